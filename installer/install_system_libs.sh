#!/usr/bin/env bash
# Installs the Debian libraries Qt needs (X11 platform plugin, WebEngine, fonts) and the
# GStreamer RTSP server of the simulated cameras when they are missing. Needs root and apt-get; elsewhere it only names them.
set -euo pipefail
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 fonts-dejavu-core
          libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxshmfence1 libasound2
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libdbus-1-3)
# The RTSP cameras of the demo, tests and benchmarks: GStreamer's RTSP server run by the
# system Python (feeds/rtsp_camera_server.py), x264/x265 encoders, Pango for the time overlay.
packages+=(python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-rtsp-server-1.0
           gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
           gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x)
# The map's Leaflet bundle comes from the npm registry at set-up.
command -v npm >/dev/null 2>&1 || packages+=(npm)
command -v dpkg-query >/dev/null 2>&1 || { echo "install_system_libs: not a Debian system; make sure Qt 6's X11 libraries are present"; exit 0; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install_system_libs: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install_system_libs: missing Debian packages (install them as root): ${missing[*]}" >&2
fi
