#!/usr/bin/env bash
# Starts the whole hall demo on a fresh Debian 12 machine with Rust: the server on the bundled
# sample town hall (青石镇便民服务中心) with its demo accounts, on the embedded SQLite default.
# Ctrl-C stops it. HALL_LISTEN (default 127.0.0.1:8080) and HALL_DB (default demo/hall.db) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cc >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q build-essential pkg-config
fi

cargo build --locked -p hall-server
target="${CARGO_TARGET_DIR:-$PWD/target}"
listen="${HALL_LISTEN:-127.0.0.1:8080}"
db="${HALL_DB:-demo/hall.db}"
mkdir -p "$(dirname "$db")"

cat <<BANNER

  青石镇便民服务中心 — hall server demo
  ------------------------------------
  API:            http://$listen/api/services   (all of it: http://$listen/api/openapi.json)
  Live events:    curl -N http://$listen/api/events
  Metrics:        http://$listen/metrics
  Demo accounts:  kiosk token "demo-kiosk"; clerk1…clerk11 / demo (each at window wNN);
                  director / demo; admin / demo
  Try:
    curl -s -X POST http://$listen/api/tickets -H 'Authorization: Bearer demo-kiosk' \\
         -H 'Content-Type: application/json' -d '{"service_id":"mz-dibao"}'
    T=\$(curl -s -X POST http://$listen/api/auth/login -d '{"username":"clerk2","password":"demo","window_id":"w02"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
    curl -s -X POST http://$listen/api/windows/w02/call-next -H "Authorization: Bearer \$T"
  (The kiosk, lobby display and clerk pages join this demo as they land.)

BANNER
exec "$target/debug/hall-server" --demo --db "$db" --listen "$listen"
