#!/usr/bin/env bash
# Builds the Debian package: target/debian/tayori_VERSION-1_ARCH.deb (prints its path).
# Installs cargo-deb from crates.io when it is missing or another version; needs dpkg-dev
# (dpkg-shlibdeps fills in the linked libraries).
set -euo pipefail
cd "$(dirname "$0")/../.."
CARGO_DEB_VERSION=3.8.0   # builds on rustc 1.95
if ! cargo deb --version 2>/dev/null | grep -qF "$CARGO_DEB_VERSION"; then
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked
fi
if ! command -v dpkg-shlibdeps >/dev/null; then
    if [[ $(id -u) == 0 ]]; then
        apt-get install -y dpkg-dev
    else
        echo "build-deb.sh: please install dpkg-dev" >&2
        exit 1
    fi
fi
# Our own release build, then package it: the same binary `cargo build --release` makes.
cargo build --release --locked
cargo deb --no-build "$@" | tail -n1
