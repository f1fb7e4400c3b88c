#!/usr/bin/env bash
# What CI runs: formatting, lints, then the tests (which install their own peers).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --check
cargo clippy --all-targets -- -D warnings
scripts/test.sh
