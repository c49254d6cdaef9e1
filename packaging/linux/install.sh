#!/usr/bin/env bash
# Install this Soccer Desktop bundle for the current user, no root needed:
#   the app in ~/.local/opt/soccer-desktop, the command ~/.local/bin/soccer-desktop,
#   a menu entry and its icon under ~/.local/share.
#
#   ./install.sh              copy the bundle to ~/.local/opt/soccer-desktop, then register it
#   ./install.sh --in-place   register the bundle where it is (no copy; do not move it afterwards)
#
# PREFIX (default ~/.local) moves everything. Undo with uninstall.sh.
set -euo pipefail

SOURCE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
APP_DIR="$PREFIX/opt/soccer-desktop"
RECORD="$PREFIX/share/soccer-desktop-bundle/installed"
ICON_SOURCE="_internal/soccer_desktop/resources/soccer-desktop.svg"

if [ ! -x "$SOURCE/soccer-desktop" ] || [ ! -f "$SOURCE/$ICON_SOURCE" ]; then
    echo "error: run install.sh from inside the Soccer Desktop bundle folder (next to the soccer-desktop program)." >&2
    exit 2
fi

case "${1:-}" in
    --in-place) APP_DIR="$SOURCE" ;;
    "") ;;
    *) echo "usage: $0 [--in-place]" >&2; exit 2 ;;
esac

if [ "$APP_DIR" != "$SOURCE" ]; then
    echo "Copying the bundle to $APP_DIR …"
    mkdir -p "$(dirname "$APP_DIR")"
    rm -rf "$APP_DIR.new"
    cp -a "$SOURCE" "$APP_DIR.new"
    rm -rf "$APP_DIR"
    mv "$APP_DIR.new" "$APP_DIR"
fi

mkdir -p "$PREFIX/bin"
ln -sfn "$APP_DIR/soccer-desktop" "$PREFIX/bin/soccer-desktop"
install -Dm644 "$APP_DIR/$ICON_SOURCE" "$PREFIX/share/icons/hicolor/scalable/apps/soccer-desktop.svg"
mkdir -p "$PREFIX/share/applications"
sed "s|^Exec=.*|Exec=\"$APP_DIR/soccer-desktop\" %F|" "$APP_DIR/soccer-desktop.desktop" \
    > "$PREFIX/share/applications/soccer-desktop.desktop"
chmod 644 "$PREFIX/share/applications/soccer-desktop.desktop"
mkdir -p "$(dirname "$RECORD")"
printf '%s\n%s\n' "$APP_DIR" "$([ "$APP_DIR" = "$SOURCE" ] && echo in-place || echo copied)" > "$RECORD"

# Refresh the menu and icon caches where the tools exist (desktops also notice on their own).
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qtf "$PREFIX/share/icons/hicolor" || true

echo "Installed Soccer Desktop from $APP_DIR."
echo "Start it from the applications menu, or run: $PREFIX/bin/soccer-desktop"
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "(add $PREFIX/bin to PATH to run 'soccer-desktop' by name)";; esac
echo "Check it with: soccer-desktop self-test"
