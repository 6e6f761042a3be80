#!/usr/bin/env bash
# Installs what the tests need on Debian/Ubuntu: mail servers for the real-server test bed
# (tests/support), Xvfb and friends for GUI checks, a Secret Service keyring. Idempotent: a
# second run only asks dpkg and exits. As root it installs what is missing; otherwise it says
# what to install. The test bed runs its own server instances on free loopback ports, so the
# system's Dovecot/Postfix services are kept from starting.
set -euo pipefail

packages=(
  dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-submissiond postfix python3-aiosmtpd openssl
  xvfb xdotool x11-xserver-utils imagemagick fonts-noto-cjk mesa-vulkan-drivers libvulkan1
  dbus gnome-keyring libsecret-tools
  # curl follows the OAuth2 sign-in URL for the tests (TAYORI_BROWSER)
  curl
  # mbsync: what the sync benchmark compares the offline body mirror with
  isync
  # Libraries of the compatibility servers (Cyrus, Courier), which tests/compat-servers.sh
  # unpacks beside Dovecot; the servers themselves conflict with dovecot-imapd as packages.
  util-linux libsasl2-modules-db libgdbm6 libgnutls30 libicu72 libidn12 libjansson4 libkrb5-3
  libldap-2.5-0 libpq5 libsqlite3-0 libssl3 libwrap0 libxml2 libglib2.0-0 libdb5.3 libltdl7
  libpcre3 libxapian30 libical3 libcourier-unicode4
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
  done
else
  # Not Debian: check the commands the test bed runs.
  for c in dovecot doveadm openssl python3; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-deps: not a Debian system; install these (or their equivalents): ${missing[*]}" >&2
    exit 1
  fi
  exit 0
fi

# Also the OAuth2 test bed's authorization server (npm oauth2-mock-server, tests/oauth2-server.sh).
compat() {
  bash "$(dirname "$0")/compat-servers.sh"
  # Not fatal here: without node/npm only the OAuth2 tests fail, and they say why.
  bash "$(dirname "$0")/oauth2-server.sh" || echo "setup-deps: the OAuth2 test server is not installed" >&2
}
if [ ${#missing[@]} -eq 0 ]; then
  compat
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup-deps: the tests need these Debian packages, which are not installed:" >&2
  echo "    sudo apt-get install -y ${missing[*]}" >&2
  if [ "${TAYORI_IGNORE_MISSING_DEPS:-}" = 1 ]; then
    echo "setup-deps: TAYORI_IGNORE_MISSING_DEPS=1: going on; tests that need them will fail." >&2
    exit 0
  fi
  echo "setup-deps: (or set TAYORI_IGNORE_MISSING_DEPS=1 to run the tests anyway)" >&2
  exit 1
fi

echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix asks for a mail setup at install time: none (the test bed writes its own config).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections

# Keep package scripts from starting the system's dovecot/postfix (containers, sysvinit).
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null

# Under systemd, units may still have been started (policy-rc.d is not consulted by every
# path): stop and disable the services of the packages installed just now. This only talks
# to the system's service manager; the test bed's own instances are never touched.
for svc in dovecot postfix; do
  case " ${missing[*]} " in
    *" $svc "* | *" $svc-"*) ;;
    *) continue ;;
  esac
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    service "$svc" stop >/dev/null 2>&1 || true
  fi
done
compat
echo "setup-deps: done" >&2
