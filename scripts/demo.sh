#!/usr/bin/env bash
# The whole hall demo on a fresh Debian 12 machine with Rust: the server on the bundled sample
# town hall (青石镇便民服务中心) with its demo accounts, on the embedded SQLite default, and the
# lobby display (with Mandarin voice where there is a sound card) and the touch kiosk, whose
# tickets are drawn to demo/ticket.png (HALL_PRINTER=tcp://HOST:9100 prints on a real printer).
# Ctrl-C stops everything.
#
#   ./scripts/demo.sh          server + lobby display
#   ./scripts/demo.sh --sim    also plays a simulated hall day at 60x (an hour a minute), so that
#                              tickets are issued, called and finished while you watch
#
# HALL_LISTEN (default 127.0.0.1:8080) and HALL_DB (default demo/hall.db) may be set.
# Without a screen ($DISPLAY unset) the display and the kiosk run on virtual screens (Xvfb) and
# the script says where to look.
set -euo pipefail
cd "$(dirname "$0")/.."

sim=0
for arg in "$@"; do
  case "$arg" in
    --sim) sim=1 ;;
    *) echo "unknown option $arg (only --sim)" >&2; exit 2 ;;
  esac
done

need=()
for pkg in build-essential pkg-config curl libfontconfig1-dev libasound2-dev fonts-wqy-microhei espeak-ng \
           xvfb xauth libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 imagemagick; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "== installing ${need[*]}"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

# The lobby's neural voice (model, voices, ONNX Runtime) in /var/lib/hall-voice, checked by hash.
bash scripts/voice-setup.sh

cargo build --locked -p hall-server -p hall-sim -p hall-display -p hall-kiosk
target="${CARGO_TARGET_DIR:-$PWD/target}"
listen="${HALL_LISTEN:-127.0.0.1:8080}"
db="${HALL_DB:-demo/hall.db}"
mkdir -p "$(dirname "$db")"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# --issue-any-time: the demo issues tickets whenever it is run (a real hall keeps its [hours];
# HALL_HOURS=1 runs the demo by the sample hall's opening hours, cut-off and quotas).
any_time=(--issue-any-time)
[[ "${HALL_HOURS:-}" == 1 ]] && any_time=()
"$target/debug/hall-server" --demo "${any_time[@]}" --kiosk-rate-limit 0 --db "$db" --listen "$listen" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fs "http://$listen/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done

screen_note="the lobby display is open on your screen"
kiosk_note="the kiosk window is open on your screen (touch or click)"
kiosk_display="${DISPLAY:-}"
kiosk_flags=()
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:97
  kiosk_display=:98
  kiosk_flags=(--fullscreen)
  Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  Xvfb "$kiosk_display" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  screen_note="no screen here: the lobby display runs on a virtual screen (Xvfb $DISPLAY).
                  See it live:  DISPLAY=$DISPLAY import -window root lobby.png
                  All its screens, rendered: docs/screenshots/display-*.png"
  kiosk_note="runs on a virtual portrait screen (Xvfb $kiosk_display).
                  See it live:  DISPLAY=$kiosk_display import -window root kiosk.png
                  All its screens, rendered: docs/screenshots/kiosk-*.png"
fi
"$target/debug/hall-display" --server "http://$listen" &
pids+=($!)
printer="${HALL_PRINTER:-preview:$(dirname "$db")/ticket.png}"
DISPLAY="$kiosk_display" "$target/debug/hall-kiosk" --server "http://$listen" --token demo-kiosk --printer "$printer" "${kiosk_flags[@]}" &
pids+=($!)

cat <<BANNER

  青石镇便民服务中心 — hall demo
  ------------------------------
  Lobby display:  $screen_note
  Kiosk:          $kiosk_note
                  printed tickets: $printer
  Ticket on a phone: the QR code on the ticket opens http://$listen/t/<token>
  Clerk desk:     http://$listen/clerk      (sign in as clerk2 / demo at window 2, press F1 to call)
  Director:       http://$listen/director   (director / demo)
  Admin:          http://$listen/admin      (admin / demo)
  API:            http://$listen/api/services   (all of it: http://$listen/api/openapi.json)
  Live events:    curl -N http://$listen/api/events
  Metrics:        http://$listen/metrics
  Demo accounts:  kiosk token "demo-kiosk"; clerk1…clerk11 / demo (each at window wNN);
                  director / demo; admin / demo
  Try:
    curl -s -X POST http://$listen/api/tickets -H 'Authorization: Bearer demo-kiosk' \\
         -H 'Content-Type: application/json' -d '{"service_id":"mz-dibao"}'
    T=\$(curl -s -X POST http://$listen/api/auth/login -H 'Content-Type: application/json' -d '{"username":"clerk2","password":"demo","window_id":"w02"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
    curl -s -X POST http://$listen/api/windows/w02/call-next -H "Authorization: Bearer \$T"

BANNER

if [ "$sim" = 1 ]; then
  echo "== simulating a hall day at 60x (an hour a minute); the summary follows when it ends"
  "$target/debug/hall-sim" --server "http://$listen" --speed 60 --tickets 600 || true
  echo "== the simulated day is over; the server and display keep running (Ctrl-C stops them)"
fi
wait "${pids[0]}"
