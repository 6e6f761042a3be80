#!/usr/bin/env bash
# The .deb, checked on this machine as a user would meet it (root: it uses apt):
#   1. apt installs it (pulling its Depends), files land where the desktop looks for them;
#   2. the installed `tayori --version` prints the version;
#   3. the installed `tayori` starts under Xvfb and shows its window: screenshot in
#      docs/screenshots/deb-installed.png;
#   4. a second `tayori mailto:...` hands the URL to the running one, prints nothing, exits 0,
#      and no second window appears;
#   5. `apt remove` takes every file of the package away again.
# Usage: installers/linux/check-deb.sh [PATH.deb]   (default: the newest target/debian/*.deb)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
step() { echo "check-deb: $*"; }
[[ $(id -u) == 0 ]] || fail "run as root (apt install / remove)"

deb="${1:-$(ls -t target/debian/tayori_*.deb 2>/dev/null | head -n1)}"
[[ -f "$deb" ]] || fail "no .deb: run installers/linux/build-deb.sh first"
deb="$(realpath "$deb")"
version="$(dpkg-deb -f "$deb" Version)"
step "package $deb (version $version)"

tools=()
command -v Xvfb >/dev/null || tools+=(xvfb)
command -v xdotool >/dev/null || tools+=(xdotool)
command -v import >/dev/null || tools+=(imagemagick)
if ((${#tools[@]})); then apt-get install -y "${tools[@]}"; fi

if dpkg-query -W -f='${Status}' tayori 2>/dev/null | grep -q "ok installed"; then
    apt-get remove -y tayori >/dev/null
fi

# 1. install
DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >/tmp/check-deb-apt.log 2>&1 \
    || { tail -n 20 /tmp/check-deb-apt.log; fail "apt install"; }
dpkg-query -W -f='${Status}' tayori | grep -q "install ok installed" || fail "not installed"
mapfile -t files < <(dpkg -L tayori | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
for f in /usr/bin/tayori \
    /usr/share/applications/io.github.tayori.Tayori.desktop \
    /usr/share/metainfo/io.github.tayori.Tayori.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/io.github.tayori.Tayori.svg \
    /usr/share/icons/hicolor/48x48/apps/io.github.tayori.Tayori.png \
    /usr/share/icons/hicolor/512x512/apps/io.github.tayori.Tayori.png; do
    [[ -f "$f" ]] || fail "missing $f"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/io.github.tayori.Tayori.desktop
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net /usr/share/metainfo/io.github.tayori.Tayori.metainfo.xml >/dev/null
fi
# dpkg's trigger for desktop-file-utils lists Tayori as a mailto: handler.
if command -v update-desktop-database >/dev/null; then
    grep -q '^x-scheme-handler/mailto=.*io\.github\.tayori\.Tayori\.desktop' \
        /usr/share/applications/mimeinfo.cache || fail "not in mimeinfo.cache as a mailto: handler"
    step "listed as x-scheme-handler/mailto handler in mimeinfo.cache"
fi
step "installed ${#files[@]} files; depends: $(dpkg-query -W -f='${Depends}' tayori)"

# 2. --version
out="$(/usr/bin/tayori --version)"
[[ "$out" == "tayori ${version%-*}" ]] || fail "tayori --version said: $out"
step "tayori --version: $out"

# 3. the window under Xvfb
data="$(mktemp -d)"
n=99
while [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() {
    [[ -n "$app" ]] && kill "$app" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT
export DISPLAY=":$n"
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
log="$data/tayori.log"
# An offline POP3 account (its local folders need no server), so the window has folders to show.
TAYORI_DATA_DIR="$data" /usr/bin/tayori account add --email hanako@example.com --name Hanako \
    --pop3-host pop.example.invalid --pop3-port 995 --pop3-security tls \
    --password-command 'echo unused' >/dev/null || fail "installed tayori account add"
# The C locale, so the window title is "Tayori" (it is "便り" under a Japanese locale).
LC_ALL=C.UTF-8 TAYORI_DATA_DIR="$data" TAYORI_LOG=tayori=info /usr/bin/tayori 2>"$log" &
app=$!
t0=$(date +%s.%N)
win=""
for _ in $(seq 300); do
    win="$(xdotool search --name '^Tayori( \(.*\))?$' 2>/dev/null | head -n1 || true)"
    [[ -n "$win" ]] && break
    kill -0 "$app" 2>/dev/null || { cat "$log" >&2; fail "tayori exited before showing a window"; }
    sleep 0.1
done
[[ -n "$win" ]] || { cat "$log" >&2; fail "no window named Tayori after 30 s"; }
step "window $win 'Tayori' after $(echo "$(date +%s.%N) - $t0" | bc) s"
sleep 2   # let it draw its first frame
mkdir -p docs/screenshots
import -window root docs/screenshots/deb-installed.png
step "screenshot docs/screenshots/deb-installed.png"

# 4. a second tayori with a mailto: URL hands it over
t0=$(date +%s.%N)
out="$(TAYORI_DATA_DIR="$data" timeout 10 /usr/bin/tayori 'mailto:someone@example.com?subject=Hello%20there' 2>&1)" \
    || fail "second tayori exited $?: $out"
[[ -z "$out" ]] || fail "second tayori printed: $out"
step "second tayori handed over and exited 0 in $(echo "$(date +%s.%N) - $t0" | bc) s"
for _ in $(seq 20); do grep -q 'someone@example.com' "$log" && break; sleep 0.1; done
grep -q 'mailto:someone@example.com?subject=Hello%20there' "$log" || { cat "$log" >&2; fail "running tayori did not get the URL"; }
[[ "$(xdotool search --name '^Tayori( \(.*\))?$' | wc -l)" == 1 ]] || fail "a second window appeared"
kill -0 "$app" || fail "the first tayori died"
kill "$app"
wait "$app" 2>/dev/null || true
app=""

# 5. remove
DEBIAN_FRONTEND=noninteractive apt-get remove -y tayori >>/tmp/check-deb-apt.log 2>&1 || fail "apt remove"
status="$(dpkg-query -W -f='${db:Status-Abbrev}' tayori 2>/dev/null || true)"
[[ -z "$status" || "$status" == un* ]] || fail "still registered after remove: $status"
left=0
for f in "${files[@]}"; do [[ -e "$f" ]] && { echo "left behind: $f" >&2; left=1; }; done
((left == 0)) || fail "apt remove left files"
command -v tayori >/dev/null && fail "tayori still on PATH"
if [[ -f /usr/share/applications/mimeinfo.cache ]] \
    && grep -q 'io\.github\.tayori\.Tayori' /usr/share/applications/mimeinfo.cache; then
    fail "still listed in mimeinfo.cache"
fi
step "apt remove: all ${#files[@]} files gone, package status '${status:-none}'"
echo "check-deb: all checks passed"
