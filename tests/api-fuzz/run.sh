#!/usr/bin/env bash
# API fuzzing: no request, however malformed, may get a 5xx or panic the server.
#
#   bash tests/api-fuzz/run.sh [path/to/hall-server]
#
# Starts the server on a free loopback port with a throw-away database and the demo accounts,
# then lets schemathesis generate requests from the server's own OpenAPI document
# (GET /api/openapi.json), valid and invalid alike, twice: once as the demo kiosk device,
# once as a clerk signed in at window w01. The only check is `not_a_server_error`: the
# documented status codes are not meant to be exhaustive, but a 5xx is always a bug.
# Afterwards the server's log must not mention a panic.
#
# Environment:
#   HALL_FUZZ_VENV          virtualenv for schemathesis   (default /var/tmp/hall-fuzz-venv)
#   HALL_FUZZ_MAX_EXAMPLES  test cases per operation      (default 40)
#   HALL_FUZZ_SEED          hypothesis seed               (default 20240601)
#   HALL_FUZZ_REPORT_DIR    keep junit + HAR reports and the server log here (default: discarded)
#
# Prints, last, `api-fuzz: N passed, M failed` over the two schemathesis runs; exits non-zero
# if either failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
server="${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/hall-server}"
venv="${HALL_FUZZ_VENV:-/var/tmp/hall-fuzz-venv}"
max_examples="${HALL_FUZZ_MAX_EXAMPLES:-40}"
seed="${HALL_FUZZ_SEED:-20240601}"

runs=(kiosk clerk)
passed=0
tmp=""
server_pid=""
summary() { # once; a run that was never made (setup failed, interrupted) counts as failed
  [[ -z "${summary_done:-}" ]] || return 0
  summary_done=1
  echo "api-fuzz: $passed passed, $((${#runs[@]} - passed)) failed"
}
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # Give it a moment to shut down gracefully, then insist.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$tmp" ]]; then
    if [[ -n "${HALL_FUZZ_REPORT_DIR:-}" && -f "$tmp/server.log" ]]; then
      mkdir -p "$HALL_FUZZ_REPORT_DIR" && cp "$tmp/server.log" "$HALL_FUZZ_REPORT_DIR/" || true
    fi
    rm -rf "$tmp"
  fi
  summary
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -x "$server" ]]; then
  echo "api-fuzz: no server binary at $server (build it first: cargo build -p hall-server)" >&2
  exit 2
fi

# Everything below talks to 127.0.0.1 only; never through a proxy from the environment.
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy

# --- schemathesis in its own virtualenv, installed only when requirements.txt changed -------
stamp_of() { { sha256sum "$here/requirements.txt" | cut -d' ' -f1; python3 --version 2>&1; } | tr '\n' ' '; }
ensure_venv() {
  if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    return
  fi
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian ships venv/ensurepip separately.
    echo "== python3 -m venv failed; installing python3-venv"
    rm -rf "$venv"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    python3 -m venv "$venv"
  fi
}
ensure_venv
want="$(stamp_of)"
st="$venv/bin/st"
if [[ ! -x "$st" || "$(cat "$venv/.hall-fuzz-stamp" 2>/dev/null || true)" != "$want" ]]; then
  echo "== installing schemathesis into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"
  printf '%s' "$want" >"$venv/.hall-fuzz-stamp"
fi

# --- the server ------------------------------------------------------------------------------
tmp="$(mktemp -d -t hall-fuzz.XXXXXX)"
"$server" --db "$tmp/fuzz.db" --demo --issue-any-time --kiosk-rate-limit 0 --listen 127.0.0.1:0 \
  >"$tmp/server.out" 2>"$tmp/server.log" &
server_pid=$!

base=""
for _ in $(seq 200); do # up to 20 s
  line="$(grep -m1 -o 'hall-server listening on http://127\.0\.0\.1:[0-9]*' "$tmp/server.out" 2>/dev/null || true)"
  if [[ -n "$line" ]]; then
    base="${line#hall-server listening on }"
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "api-fuzz: the server exited before listening; its log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$base" ]]; then
  echo "api-fuzz: the server did not report its address within 20 s; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
echo "== server $server on $base"

# Sign a clerk in, and write the schemathesis configuration (Python from the venv rather than
# curl, which a fresh Debian image may not have).
#
# Known ids, taken from the server itself, are dictionaries the generator draws from half the
# time: purely random `{id}`s, service_ids and window_ids all end in 404/422 at the first
# lookup, so without them the clerk's window actions (call-next, start, finish with a fuzzed
# body, transfer …) and ticket issuance would never reach the domain logic. The other half
# of the values are still generated from the schema, and negative cases still break them.
#
# GET /api/events is Server-Sent Events: a 200 never ends (a keep-alive comment every 10 s).
# Schemathesis reads an event stream until it has `max-stream-events` events or the request
# timeout has passed in total, and then judges what it got, so a short timeout on that one
# operation keeps it in the run without each valid request costing the default 10 s.
"$venv/bin/python" - "$base" "$tmp" <<'EOF_PY'
import json, sys, urllib.error, urllib.request

base, tmp = sys.argv[1], sys.argv[2]
http = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def call(path, body=None):
    req = urllib.request.Request(base + path, method="POST" if body is not None else "GET")
    if body is not None:
        req.add_header("Content-Type", "application/json")
        req.data = json.dumps(body).encode()
    try:
        with http.open(req, timeout=10) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        sys.exit(f"api-fuzz: {req.method} {path} answered {e.code}: {e.read().decode(errors='replace')}")

session = call("/api/auth/login", {"username": "clerk1", "password": "demo", "window_id": "w01"})
with open(f"{tmp}/clerk.token", "w") as f:
    f.write(session["token"])

services = [s["id"] for s in call("/api/services")]
windows = [w["id"] for w in call("/api/windows")]
# Tickets are numbered 1, 2, … in a fresh database; the kiosk run issues the first ones.
tickets = list(range(1, 41))
arr = lambda xs: json.dumps(xs, ensure_ascii=False)
with open(f"{tmp}/schemathesis.toml", "w") as f:
    f.write(f"""
[dictionaries.service_ids]
values = {arr(services)}
[dictionaries.window_ids]
values = {arr(windows)}
[dictionaries.ticket_ids]
values = {arr(tickets)}

[parameters]
"body.service_id" = {{ dictionary = "service_ids", probability = 0.5 }}
"body.window_id" = {{ dictionary = "window_ids", probability = 0.5 }}

[[operations]]
include-path-regex = "^/api/windows/"
parameters = {{ "path.id" = {{ dictionary = "window_ids", probability = 0.5 }} }}

[[operations]]
include-path-regex = "^/api/tickets/"
parameters = {{ "path.id" = {{ dictionary = "ticket_ids", probability = 0.5 }} }}

[[operations]]
include-path = "/api/events"
request-timeout = 1
max-stream-events = 5
""")
EOF_PY
clerk_token="$(cat "$tmp/clerk.token")"

# --- fuzzing -------------------------------------------------------------------------------
# Excluded: POST /api/auth/logout, in the clerk run only. Its first valid case ends the
# clerk's session, after which every other clerk request is a plain 401 and the run would
# test nothing but the token check. It is fuzzed in the kiosk run (a kiosk may not sign out).
run_st() { # name, extra args…
  local name="$1"
  shift
  local reports=()
  if [[ -n "${HALL_FUZZ_REPORT_DIR:-}" ]]; then
    mkdir -p "$HALL_FUZZ_REPORT_DIR"
    reports=(--report junit,har --report-dir "$HALL_FUZZ_REPORT_DIR"
      --report-junit-path "$HALL_FUZZ_REPORT_DIR/$name.junit.xml"
      --report-har-path "$HALL_FUZZ_REPORT_DIR/$name.har")
  fi
  (cd "$tmp" && "$st" --no-color --config-file "$tmp/schemathesis.toml" run "$base/api/openapi.json" \
    --checks not_a_server_error \
    --mode all \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --workers 1 \
    --request-timeout 10 \
    --generation-database none \
    "${reports[@]}" \
    "$@")
}

log_seen=0
for who in "${runs[@]}"; do
  echo
  echo "== schemathesis as the $who"
  started=$SECONDS
  if [[ "$who" == kiosk ]]; then
    args=(-H "Authorization: Bearer demo-kiosk")
  else
    args=(-H "Authorization: Bearer $clerk_token" --exclude-path /api/auth/logout)
  fi
  ok=1
  run_st "$who" "${args[@]}" || ok=0
  # A panicking handler drops its connection, which schemathesis reports as an error; the
  # log also shows panics off the request path (writer thread, event streams).
  if tail -c "+$((log_seen + 1))" "$tmp/server.log" | grep -n -m 10 -A 3 'panicked' >&2; then
    echo "api-fuzz: the server panicked during the $who run (log lines above)" >&2
    ok=0
  fi
  log_seen="$(stat -c %s "$tmp/server.log")"
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "api-fuzz: the server died during the $who run; end of its log:" >&2
    tail -n 30 "$tmp/server.log" >&2
    ok=0
  fi
  echo "== $who run: $([[ $ok == 1 ]] && echo passed || echo FAILED) in $((SECONDS - started)) s"
  if [[ $ok == 1 ]]; then passed=$((passed + 1)); fi
  # Without a server there is nothing left to test (a run not made counts as failed).
  kill -0 "$server_pid" 2>/dev/null || break
done

summary
((passed == ${#runs[@]})) || exit 1
