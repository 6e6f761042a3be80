#!/usr/bin/env bash
# Builds Tayori.app and a .dmg on macOS (needs Xcode command line tools: hdiutil, plutil).
#   installers/macos/make-dmg.sh            -> target/macos/Tayori.app, target/macos/Tayori-VERSION-ARCH.dmg
#   TARGET=aarch64-apple-darwin installers/macos/make-dmg.sh   (cross-arch build)
#   SKIP_BUILD=1 ... uses an existing release binary.
# The app is not signed; set CODESIGN_IDENTITY to sign it (then notarize separately).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
target="${TARGET:-}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    cargo build --release --locked ${target:+--target "$target"}
fi
bin="target/${target:+$target/}release/tayori"
arch="$(lipo -archs "$bin" 2>/dev/null || uname -m)"
arch="${arch// /-}"
out="target/macos"
app="$out/Tayori.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp "$bin" "$app/Contents/MacOS/tayori"
cp installers/macos/tayori.icns "$app/Contents/Resources/tayori.icns"
# The version in the plist follows Cargo.toml.
sed -e "s#<string>0.1.0</string>#<string>$version</string>#g" installers/macos/Info.plist \
    > "$app/Contents/Info.plist"
printf 'APPL????' > "$app/Contents/PkgInfo"
if command -v plutil >/dev/null; then plutil -lint "$app/Contents/Info.plist"; fi
if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
    codesign --force --deep --options runtime --sign "$CODESIGN_IDENTITY" "$app"
fi
# The disk image: the app and a link to /Applications to drag it onto.
stage="$out/dmg"
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="$out/Tayori-$version-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "Tayori $version" -srcfolder "$stage" -ov -format UDZO "$dmg"
rm -rf "$stage"
echo "$dmg"
