#!/usr/bin/env bash
# Installs what the test bed needs (Debian/Ubuntu, as root). Idempotent and quick when done.
set -euo pipefail
need=()
command -v dovecot >/dev/null || need+=(dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-submissiond)
command -v openssl >/dev/null || need+=(openssl)
command -v python3 >/dev/null || need+=(python3)
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "tests need these Debian packages; install them as root: apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The packages may start the system's own Dovecot on the standard ports; the test bed runs
# its own instances on free ports, so stop the system one.
if command -v systemctl >/dev/null 2>&1; then systemctl stop dovecot 2>/dev/null || true; fi
pkill -x dovecot 2>/dev/null || true
