#!/usr/bin/env bash
# Puts Socket Tester in the desktop's application menu, for the current user: the .desktop
# file, the icons and the .jsonl file type (so "Open with" lists the app) under
# ~/.local/share (or $XDG_DATA_HOME). The binary itself comes from
# `cargo install --path .` (into ~/.cargo/bin, which must be on PATH).
# Usage: scripts/install-desktop.sh [--uninstall]
set -euo pipefail
cd "$(dirname "$0")/.."

data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor"
mime="$data/mime"
sizes="16 24 32 48 64 128 256 512"

refresh() {
    # Menus pick the change up by themselves; these make it immediate where they exist.
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
    command -v update-mime-database >/dev/null && update-mime-database "$mime" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/socket-tester.desktop" "$icons/scalable/apps/socket-tester.svg" \
        "$mime/packages/socket-tester.xml"
    for size in $sizes; do
        rm -f "$icons/${size}x${size}/apps/socket-tester.png"
    done
    refresh
    echo "Socket Tester is no longer in the application menu (the binary stays: cargo uninstall socket-tester)."
    exit 0
fi
if [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi

install -D -m 644 assets/socket-tester.desktop "$apps/socket-tester.desktop"
install -D -m 644 assets/mime/socket-tester.xml "$mime/packages/socket-tester.xml"
install -D -m 644 assets/icons/socket-tester.svg "$icons/scalable/apps/socket-tester.svg"
for size in $sizes; do
    install -D -m 644 "assets/icons/socket-tester-$size.png" "$icons/${size}x${size}/apps/socket-tester.png"
done
refresh
echo "Socket Tester is in the application menu ($apps/socket-tester.desktop)."
if ! command -v socket-tester >/dev/null; then
    echo "Note: socket-tester is not on PATH yet: run 'cargo install --path .' and add ~/.cargo/bin to PATH."
fi
