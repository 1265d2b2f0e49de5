#!/usr/bin/env bash
# Builds the Debian packages of the hall into target/debian/ (or $CARGO_TARGET_DIR/debian/):
#   hall-server (the hall's server, its systemd service and nightly backup timer),
#   hall-display (lobby and window displays), hall-kiosk (the touch kiosk), hall-county (the county service).
# Installs cargo-deb when it is missing. Options are passed to every `cargo deb`, e.g.
#   scripts/package.sh --profile dev --fast   (quick packages of debug builds, for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version >/dev/null 2>&1; then
  echo "== installing cargo-deb $CARGO_DEB_VERSION"
  cargo install --locked "cargo-deb@$CARGO_DEB_VERSION"
fi

target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/debian"
mkdir -p "$out"
for pkg in hall-server hall-display hall-kiosk hall-county; do
  echo "== $pkg"
  cargo deb --locked -p "$pkg" --output "$out" "$@"
done
ls -l "$out"/*.deb
