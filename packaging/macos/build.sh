#!/usr/bin/env bash
# Build dist/oms-desktop.app on macOS: an .icns from the committed PNGs with iconutil, then the
# same PyInstaller spec as Linux (it makes an .app on macOS). Needs Python 3.11+ and Xcode's
# command line tools. The .app is not signed: sign and notarise it before handing it out.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "packaging/macos/build.sh runs on macOS" >&2; exit 1; }

iconset=build/oms-desktop.iconset
rm -rf "$iconset" && mkdir -p "$iconset"
for size in 16 32 128 256 512; do
  cp "resources/icons/oms-desktop-$size.png" "$iconset/icon_${size}x${size}.png"
done
for size in 16 32 128 256; do  # the @2x (Retina) versions are the next size up
  cp "resources/icons/oms-desktop-$((size * 2)).png" "$iconset/icon_${size}x${size}@2x.png"
done
iconutil -c icns "$iconset" -o build/oms-desktop.icns

VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -e '.[postgres,packaging]'
"$VENV/bin/python" -m PyInstaller --noconfirm --clean \
  --distpath dist --workpath build/pyinstaller packaging/oms-desktop.spec
echo "dist/oms-desktop.app"
