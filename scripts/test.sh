#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine with Rust; installs what it needs.
#   formatting and lint checks, unit + integration tests of every crate, the benchmark in quick
#   mode, and the OpenAPI-driven fuzz run (schemathesis) against the real server binary.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in python3-venv python3-pip pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "== installing ${need[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

target="${CARGO_TARGET_DIR:-$PWD/target}"

if cargo fmt --version >/dev/null 2>&1; then
  echo "== cargo fmt --check"
  cargo fmt --all --check
fi

if cargo clippy --version >/dev/null 2>&1; then
  echo "== cargo clippy"
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

echo "== cargo test (workspace)"
cargo test --workspace --locked

echo "== benchmark, quick mode (checks it works; the full run: cargo run --release -p hall-bench)"
cargo build --workspace --locked
"$target/debug/hall-bench" --quick

echo "== API fuzzing from the server's own OpenAPI document"
bash tests/api-fuzz/run.sh "$target/debug/hall-server"
