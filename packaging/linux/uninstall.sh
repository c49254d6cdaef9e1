#!/usr/bin/env bash
# Remove what install.sh added (command, menu entry, icon, and the copied app). Projects, models,
# settings and logs stay: they are the user's (soccer-desktop info lists where they are).
set -euo pipefail

PREFIX="${PREFIX:-$HOME/.local}"
RECORD="$PREFIX/share/soccer-desktop-bundle/installed"
if [ ! -f "$RECORD" ]; then
    echo "Soccer Desktop is not installed under $PREFIX (no $RECORD)." >&2
    exit 1
fi
APP_DIR="$(sed -n 1p "$RECORD")"
HOW="$(sed -n 2p "$RECORD")"

if [ -L "$PREFIX/bin/soccer-desktop" ] && [ "$(readlink "$PREFIX/bin/soccer-desktop")" = "$APP_DIR/soccer-desktop" ]; then
    rm -f "$PREFIX/bin/soccer-desktop"
fi
rm -f "$PREFIX/share/applications/soccer-desktop.desktop" "$PREFIX/share/icons/hicolor/scalable/apps/soccer-desktop.svg"
if [ "$HOW" = "copied" ] && [ "$APP_DIR" = "$PREFIX/opt/soccer-desktop" ]; then
    rm -rf "$APP_DIR"
fi
rm -rf "$(dirname "$RECORD")"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
echo "Removed Soccer Desktop${HOW:+ ($HOW install at $APP_DIR)}. Your projects, models and settings were kept."
