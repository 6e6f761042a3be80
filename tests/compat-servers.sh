#!/usr/bin/env bash
# Fetches the compatibility suite's servers, Cyrus IMAP 3.6 (imapd, pop3d) and Courier-IMAP 5
# (imapd, pop3d), from the Debian archive with `apt-get download` and unpacks them with
# `dpkg -x` into a cache folder, beside the installed Dovecot (as packages they conflict with
# dovecot-imapd). Only when missing: a second run checks one marker file and exits. Their
# libraries come from tests/setup-deps.sh (apt-get install); the harness
# (tests/it/support/compat*.rs) finds the folder at $TAYORI_COMPAT_DIR, else
# /var/cache/tayori-compat as root, else ~/.cache/tayori-compat.
set -euo pipefail

if [ -n "${TAYORI_COMPAT_DIR:-}" ]; then
  cache=$TAYORI_COMPAT_DIR
elif [ "$(id -u)" = 0 ]; then
  cache=/var/cache/tayori-compat
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/tayori-compat
fi

# The servers, their private libraries (libcyrus*, libcourierauth), saslpasswd2 for Cyrus's
# user database, and libfam with its gam_server (without it every Courier mailbox scan waits
# 1.2 s for the file alteration monitor).
debs=(cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin courier-base courier-imap courier-pop
  courier-authlib libgamin0 gamin)
marker="$cache/root/.complete-$(printf '%s-' "${debs[@]}")1"
[ -e "$marker" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "compat-servers: not a Debian system: the Cyrus/Courier compatibility tests cannot run" >&2
  exit 0
fi

start=$(date +%s)
mkdir -p "$cache/debs"
rm -rf "$cache/root.new"
mkdir -p "$cache/root.new"
cd "$cache/debs"
rm -f ./*.deb
# As root, apt's sandbox user cannot write here; the download itself is the same.
if ! apt-get download -q=2 -o APT::Sandbox::User=root "${debs[@]}" 2>"$cache/download.log"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    apt-get download -q=2 -o APT::Sandbox::User=root "${debs[@]}" 2>"$cache/download.log"
  else
    echo "compat-servers: apt-get download failed (see $cache/download.log)" >&2
    exit 1
  fi
fi
for f in ./*.deb; do
  dpkg -x "$f" "$cache/root.new"
done
rm -rf "$cache/root"
mv "$cache/root.new" "$cache/root"
touch "$marker"
echo "compat-servers: Cyrus and Courier unpacked in $cache/root ($(($(date +%s) - start)) s)" >&2
