#!/bin/bash
# Debian package of the one-folder application: build_deb.sh DIST_FOLDER OUT_FOLDER.
# Installs under /opt/rtic-console, a menu entry with its icon, and the ingest service unit.
set -euo pipefail
app="$1"; out="$2"
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/rtic_console/__init__.py")"
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
pkg="$stage/rtic-console"
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
    "$pkg/usr/share/icons/hicolor/256x256/apps" "$pkg/usr/share/icons/hicolor/scalable/apps" \
    "$pkg/lib/systemd/system" "$pkg/etc/rtic-console"
cp -a "$app" "$pkg/opt/rtic-console"
cp "$root/USER_GUIDE.md" "$pkg/opt/rtic-console/"
install -d "$pkg/opt/rtic-console/docs"  # the guide's pictures, at the paths it names
cp -a "$root/docs/screenshots" "$pkg/opt/rtic-console/docs/"
ln -s /opt/rtic-console/rtic-console "$pkg/usr/bin/rtic-console"
install -m 0644 "$here/rtic-console.desktop" "$pkg/usr/share/applications/"
install -m 0644 "$root/resources/icons/rtic-console.png" "$pkg/usr/share/icons/hicolor/256x256/apps/"
install -m 0644 "$root/resources/icons/rtic-console.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/"
install -m 0644 "$here/rtic-console-ingest.service" "$pkg/lib/systemd/system/"
install -m 0640 "$here/ingest.env" "$pkg/etc/rtic-console/ingest.env"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$pkg/DEBIAN/"
echo /etc/rtic-console/ingest.env > "$pkg/DEBIAN/conffiles"
size="$(du -sk "$pkg" | cut -f1)"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: rtic-console
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: RTIC Console developers <rtic-console@localhost>
Installed-Size: $size
Depends: adduser, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libfontconfig1, libdbus-1-3, libnss3, libxcomposite1, libxdamage1, libxrandr2, libxtst6, libasound2 | libasound2t64
Section: misc
Priority: optional
Description: Operator console for a police Real-Time Information Center
 ALPR and PSCN operations under General Order 525.08: the desktop console, its
 command line, and the headless ingest service (rtic-console-ingest.service).
CONTROL
mkdir -p "$out"
dpkg-deb --root-owner-group -Zzstd -z3 --build "$pkg" "$out/rtic-console_${version}_$(dpkg --print-architecture).deb"
