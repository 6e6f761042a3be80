#!/usr/bin/env bash
# Renders installers/icons/tayori.svg into every icon the packages ship (the results are
# committed, so packaging needs none of these tools):
#   linux/icons/hicolor/NxN/apps/io.github.tayori.Tayori.png   (16..512)
#   windows/tayori.ico                                         (16..256, PNG-compressed)
#   macos/tayori.icns                                          (16..512)
# Needs: rsvg-convert (librsvg2-bin), png2icns (icnsutils), python3. As root it installs them.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
command -v png2icns >/dev/null || need+=(icnsutils)
if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]]; then
        apt-get install -y "${need[@]}"
    else
        echo "make-icons.sh: please install: ${need[*]}" >&2
        exit 1
    fi
fi
svg=icons/tayori.svg
name=io.github.tayori.Tayori
for s in 16 24 32 48 64 128 256 512; do
    mkdir -p "linux/icons/hicolor/${s}x${s}/apps"
    rsvg-convert -w "$s" -h "$s" "$svg" -o "linux/icons/hicolor/${s}x${s}/apps/$name.png"
done
png() { echo "linux/icons/hicolor/${1}x${1}/apps/$name.png"; }

python3 - windows/tayori.ico $(for s in 16 24 32 48 64 128 256; do png $s; done) <<'PY'
import struct, sys
out, files = sys.argv[1], sys.argv[2:]
blobs = [open(f, "rb").read() for f in files]
def size(b):  # width from the PNG IHDR
    return struct.unpack(">I", b[16:20])[0]
entries, offset = b"", 6 + 16 * len(blobs)
for b in blobs:
    s = size(b)
    entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(b), offset)
    offset += len(b)
with open(out, "wb") as f:
    f.write(struct.pack("<HHH", 0, 1, len(blobs)) + entries + b"".join(blobs))
PY

png2icns macos/tayori.icns $(for s in 16 32 48 128 256 512; do png $s; done) >/dev/null
echo "icons written"
