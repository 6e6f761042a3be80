#!/usr/bin/env bash
# Installs the test bed's OAuth2 authorization server, npm `oauth2-mock-server` 8.x (9.x needs
# Node >= 22.12), into a cache folder with npm. Only when missing: a second run checks one
# marker file and exits. The bed (tests/it/support/oauth2.rs) calls this itself when the
# folder is missing, and finds it at $TAYORI_OAUTH2_DIR, else /var/cache/tayori-oauth2 as
# root, else ~/.cache/tayori-oauth2.
set -euo pipefail

version=8.2.3
if [ -n "${TAYORI_OAUTH2_DIR:-}" ]; then
  cache=$TAYORI_OAUTH2_DIR
elif [ "$(id -u)" = 0 ]; then
  cache=/var/cache/tayori-oauth2
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/tayori-oauth2
fi
marker="$cache/.complete-$version"
[ -e "$marker" ] && exit 0

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "oauth2-server: node and npm (Node 20.19 or later) are needed for the OAuth2 tests" >&2
  exit 1
fi
mkdir -p "$cache"
npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
  "oauth2-mock-server@$version" >&2
touch "$marker"
