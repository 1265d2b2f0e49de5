#!/usr/bin/env bash
# The Debian packages, installed on this machine as an installer would (root): builds them with
# scripts/package.sh, installs them with apt (which brings their dependencies), checks the
# installed files, users and permissions, the unit files (systemd-analyze verify, and security
# for the server's hardening), starts the installed server from its unit's own ExecStartPre and
# ExecStart lines with the installed configuration (services the packages would start are kept
# stopped), asks its health, stops it with SIGTERM (a graceful stop exits 0), runs the backup
# unit's ExecStart, then purges the packages and checks what stays (the hall's data) and what
# goes.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
debs="$target/debian"
fail() { echo "packaging: FAIL: $*" >&2; exit 1; }
ok() { echo "packaging: ok: $*"; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs the packages on this machine"
for p in hall-server hall-kiosk hall-display hall-county; do
  if dpkg -s "$p" >/dev/null 2>&1; then fail "$p is already installed here; this test installs and purges it"; fi
done
# A hall's data without its package (a hall run by hand, or packages purged: the purge keeps
# /var/lib/hall) is not this test's to install over and delete at the end.
for d in /var/lib/hall /var/lib/hall-kiosk /var/lib/hall-display /etc/hall; do
  if [ -e "$d" ]; then fail "$d exists: this machine has a hall's data or configuration, which this test would replace and delete; run it on a machine without"; fi
done
for u in hall hall-kiosk hall-display hall-county; do
  if getent passwd "$u" >/dev/null; then fail "the user $u exists here; this test makes and removes it"; fi
done

rm -f "$debs"/*.deb
scripts/package.sh --fast
server_deb=$(ls "$debs"/hall-server_*.deb)
kiosk_deb=$(ls "$debs"/hall-kiosk_*.deb)
display_deb=$(ls "$debs"/hall-display_*.deb)
county_deb=$(ls "$debs"/hall-county_*.deb)

cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "${made_policy:-}" ]; then rm -f /usr/sbin/policy-rc.d; fi
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hall-server hall-kiosk hall-display hall-county >/dev/null 2>&1 || true
  rm -rf /var/lib/hall /var/lib/hall-kiosk /var/lib/hall-display
  for u in hall hall-kiosk hall-display hall-county; do
    if getent passwd "$u" >/dev/null; then deluser --quiet "$u" >/dev/null 2>&1 || true; fi
    if getent group "$u" >/dev/null; then delgroup --quiet "$u" >/dev/null 2>&1 || true; fi
  done
}
trap cleanup EXIT
# On a machine where systemd runs, the packages' scripts would start the installed services
# (the server on the sample hall, holding the database this test starts its own server on):
# a policy-rc.d that refuses keeps them stopped while the test runs.
if [ -d /run/systemd/system ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
fi

echo "== apt-get install the four packages (their dependencies come from Debian)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$server_deb" "$kiosk_deb" "$display_deb" "$county_deb" >/tmp/hall-packaging-apt.log 2>&1 \
  || { tail -30 /tmp/hall-packaging-apt.log; fail "apt-get install"; }

echo "== installed files, users and permissions"
for f in /usr/bin/hall-server /usr/bin/hall-kiosk /usr/bin/hall-display /usr/bin/hall-county; do [ -x "$f" ] || fail "$f missing"; done
for f in /usr/lib/systemd/system/hall-server.service /usr/lib/systemd/system/hall-backup.service \
         /usr/lib/systemd/system/hall-backup.timer /usr/lib/systemd/system/hall-kiosk.service \
         /usr/lib/systemd/system/hall-display.service /usr/lib/udev/rules.d/99-hall-kiosk-printer.rules \
         /usr/lib/systemd/system/hall-county.service /usr/share/doc/hall-server/install.md \
         /usr/share/doc/hall-county/deploy-county.md; do
  [ -f "$f" ] || fail "$f missing"
done
check_mode() { # path owner:group mode
  local got
  got=$(stat -c '%U:%G %a' "$1")
  [ "$got" = "$2 $3" ] || fail "$1 is $got, expected $2 $3"
}
check_mode /etc/hall/hall.toml root:hall 640
check_mode /etc/hall/hall-server.env root:hall 640
check_mode /etc/hall/kiosk.toml root:hall-kiosk 640
check_mode /etc/hall/county.env root:hall-county 640
check_mode /etc/hall/county-halls.toml root:hall-county 640
check_mode /var/lib/hall hall:hall 750
check_mode /var/lib/hall/backups hall:hall 750
id -nG hall-kiosk | grep -qw lp || fail "hall-kiosk is not in the lp group (the printer)"
for c in /etc/hall/hall.toml /etc/hall/hall-server.env; do
  grep -qx "$c" /var/lib/dpkg/info/hall-server.conffiles || fail "$c is not a conffile"
done
grep -qx /etc/hall/kiosk.toml /var/lib/dpkg/info/hall-kiosk.conffiles || fail "kiosk.toml is not a conffile"
grep -qx /etc/hall/display.env /var/lib/dpkg/info/hall-display.conffiles || fail "display.env is not a conffile"
grep -qx /etc/hall/county-halls.toml /var/lib/dpkg/info/hall-county.conffiles || fail "county-halls.toml is not a conffile"
cmp -s /etc/hall/hall.toml halls/sample-town.toml || fail "/etc/hall/hall.toml is not the sample hall"
/usr/bin/hall-server check-config /etc/hall/hall.toml >/dev/null || fail "the installed configuration does not check"
ok "files, users, permissions, conffiles"

echo "== systemd-analyze verify and security"
units=(hall-server.service hall-backup.service hall-backup.timer hall-kiosk.service hall-display.service hall-county.service)
(cd /usr/lib/systemd/system && systemd-analyze verify "${units[@]}") 2>&1 | tee /tmp/hall-verify.log
if grep -v -e '^$' /tmp/hall-verify.log | grep -q .; then fail "systemd-analyze verify complained"; fi
# Exposure on systemd's 0–10 scale, times 10: at most 2.0 ("OK") for the server, 1.0 for the backup.
systemd-analyze security --offline=true --threshold=20 /usr/lib/systemd/system/hall-server.service | tail -1
systemd-analyze security --offline=true --threshold=10 /usr/lib/systemd/system/hall-backup.service | tail -1
systemd-analyze security --offline=true --threshold=20 /usr/lib/systemd/system/hall-county.service | tail -1
ok "units verified; hardening within the threshold"

echo "== the installed server, started from its unit's lines"
unit=/usr/lib/systemd/system/hall-server.service
env_line=$(sed -n 's/^Environment=//p' "$unit")
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
[ "$user" = hall ] || fail "the unit does not run as hall"
# The unit's environment, then its EnvironmentFile, as systemd reads them (plain KEY=VALUE lines).
declare -a envs
read -r -a envs <<<"$env_line"
while IFS= read -r line; do
  case "$line" in ''|'#'*) ;; *) envs+=("$line") ;; esac
done </etc/hall/hall-server.env
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
envs+=("HALL_LISTEN=127.0.0.1:$port")   # a free port instead of 8080, which may be in use here
expand() { env "${envs[@]}" bash -c "echo $1"; }
runuser -u hall -- env "${envs[@]}" $(expand "$pre") >/dev/null || fail "ExecStartPre failed"
cd /var/lib/hall
# setpriv execs the server itself as hall (runuser would stay between, and answer SIGTERM itself).
setpriv --reuid=hall --regid=hall --init-groups env "${envs[@]}" $(expand "$start") >/tmp/hall-packaged-server.log 2>&1 &
server_pid=$!
cd - >/dev/null
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/api/health" >/tmp/hall-health.json; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat /tmp/hall-packaged-server.log; fail "the server exited"; }
  sleep 0.1
done
grep -q '"ok"' /tmp/hall-health.json || { cat /tmp/hall-packaged-server.log; fail "no healthy answer"; }
curl -sf "http://127.0.0.1:$port/api/hall" | grep -q '青石镇便民服务中心' || fail "the hall is not the installed one"
[ -f /var/lib/hall/hall.db ] || fail "the database is not in /var/lib/hall"
check_mode /var/lib/hall/hall.db.key hall:hall 600
ok "the installed server answers health on its unit's command line"

echo "== the backup unit's command, while the server serves"
bstart=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/hall-backup.service)
benv=$(sed -n 's/^Environment=//p' /usr/lib/systemd/system/hall-backup.service)
read -r -a envs <<<"$benv"
runuser -u hall -- env "${envs[@]}" $(expand "$bstart") || fail "the backup failed"
ls /var/lib/hall/backups/hall-*.db >/dev/null 2>&1 || fail "no backup in /var/lib/hall/backups"
ok "a backup in /var/lib/hall/backups"

kill -TERM "$server_pid"
wait "$server_pid" && rc=0 || rc=$?
server_pid=
[ "$rc" = 0 ] || { cat /tmp/hall-packaged-server.log; fail "the server did not stop cleanly on SIGTERM (exit $rc)"; }
ok "graceful stop on SIGTERM"

echo "== purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hall-server hall-kiosk hall-display hall-county >/tmp/hall-packaging-purge.log 2>&1 \
  || { tail -20 /tmp/hall-packaging-purge.log; fail "purge"; }
for f in /usr/bin/hall-server /usr/bin/hall-kiosk /usr/bin/hall-display /usr/bin/hall-county /etc/hall/hall.toml \
         /etc/hall/kiosk.toml /etc/hall/county-halls.toml \
         /usr/lib/systemd/system/hall-server.service; do
  [ ! -e "$f" ] || fail "$f still there after purge"
done
[ -f /var/lib/hall/hall.db ] || fail "purge deleted the hall's data (it must stay)"
ok "purged; the hall's data kept in /var/lib/hall"
echo "packaging: all checks passed"
