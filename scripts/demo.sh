#!/usr/bin/env bash
# Starts the whole hall demo on a fresh Debian 12 machine with Rust: the server on the bundled
# sample town hall (青石镇便民服务中心) with its demo accounts, on the embedded SQLite default.
# Ctrl-C stops it. HALL_LISTEN (default 127.0.0.1:8080) and HALL_DB (default demo/hall.db) may be set.
#   ./scripts/demo.sh --sim    also runs a simulated hall day (hall-sim) at 60x, so that tickets are
#                              issued, called and finished while you watch.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cc >/dev/null 2>&1 || need+=(build-essential)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]})); then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

sim=0
for arg in "$@"; do
  case "$arg" in
    --sim) sim=1 ;;
    *) echo "unknown option $arg (only --sim)" >&2; exit 2 ;;
  esac
done

cargo build --locked -p hall-server -p hall-sim
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
if [ "$sim" = 1 ]; then
  "$target/debug/hall-server" --demo --kiosk-rate-limit 0 --db "$db" --listen "$listen" &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
  for _ in $(seq 1 100); do
    curl -fs "http://$listen/api/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== simulating a hall day at 60x (an hour a minute); the summary follows when it ends"
  "$target/debug/hall-sim" --server "http://$listen" --speed 60 --tickets 600 || true
  echo "== the simulated day is over; the server keeps running (Ctrl-C stops it)"
  wait $server
else
  exec "$target/debug/hall-server" --demo --db "$db" --listen "$listen"
fi
