#!/bin/sh
# Install the packaged kiosk on this terminal, for the user whose graphical session shows it.
#
#   sudo ./install/install-terminal.sh USER
#
# Copies this package folder to /opt/shangjie-kiosk (KIOSK_PREFIX to change; the previous version is
# kept as /opt/shangjie-kiosk.old), installs the systemd user unit and the autostart entry for USER,
# and creates USER's config file from config.example.toml unless one exists. Safe to run again
# (that is also how the program is upgraded).
set -eu
user="${1:?usage: sudo ./install/install-terminal.sh USER   (the terminal's auto-login user)}"
src="$(cd "$(dirname "$0")/.." && pwd)"
dest="${KIOSK_PREFIX:-/opt/shangjie-kiosk}"
home="${KIOSK_USER_HOME:-$(getent passwd "$user" | cut -d: -f6)}"
[ -n "$home" ] && [ -d "$home" ] || { echo "install-terminal: no home folder for user '$user'" >&2; exit 2; }
[ -x "$src/kiosk" ] || { echo "install-terminal: $src/kiosk not found; run this from the package folder" >&2; exit 2; }

if [ "$src" != "$dest" ]; then
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.new"
  cp -a "$src" "$dest.new"
  if [ -d "$dest" ]; then rm -rf "$dest.old"; mv "$dest" "$dest.old"; fi
  mv "$dest.new" "$dest"
fi

owned_dir() {  # create a folder (and its parents under $home) owned by $user
  mkdir -p "$1"
  d="$1"
  while [ "$d" != "$home" ] && [ "$d" != "/" ]; do chown "$user" "$d"; d="$(dirname "$d")"; done
}
units="$home/.config/systemd/user"
owned_dir "$units/graphical-session.target.wants"
owned_dir "$home/.config/autostart"
for unit in shangjie-kiosk.service shangjie-kiosk-content.service; do
  sed "s|/opt/shangjie-kiosk|$dest|g" "$dest/install/$unit" > "$units/$unit"
  ln -sf "../$unit" "$units/graphical-session.target.wants/$unit"
  chown -h "$user" "$units/$unit" "$units/graphical-session.target.wants/$unit"
done
sed "s|/opt/shangjie-kiosk|$dest|g" "$dest/install/shangjie-kiosk.desktop" > "$home/.config/autostart/shangjie-kiosk.desktop"
chown -h "$user" "$home/.config/autostart/shangjie-kiosk.desktop"

data="$home/.local/share/shangjie-kiosk"
owned_dir "$data"
if [ ! -f "$data/config.toml" ]; then
  cp "$dest/config.example.toml" "$data/config.toml"
  chown "$user" "$data/config.toml"
fi

echo "installed $dest for user $user"
echo "  config:  $data/config.toml   (check it: $dest/kiosk config --check $data/config.toml)"
echo "  units:   $units/shangjie-kiosk.service, shangjie-kiosk-content.service (start with $user's session)"
echo "  start now, as $user in the session:"
echo "    systemctl --user daemon-reload && systemctl --user start shangjie-kiosk shangjie-kiosk-content"
