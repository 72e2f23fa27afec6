#!/usr/bin/env bash
# Install the .deb in a bare Debian 12 (debootstrap minbase: no Python, no Qt, no fonts) and
# run the installed program there: --self-test offscreen, then the command line
# (demo, check, backup, restore on a fresh data folder). Run as root after packaging/build.sh:
#
#   sudo bash packaging/test-deb.sh [dist/neighbourhood-desk_<version>_<arch>.deb]
#
# The root file system is kept in $DEB_ROOT (default /tmp/deb-root) and reused; a fresh copy
# of it is used for each run so that earlier installs do not hide a missing dependency.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB=${1:-$(ls -t dist/neighbourhood-desk_*.deb 2>/dev/null | head -1)}
BASE=${DEB_ROOT:-/tmp/deb-root}
RUN=${BASE}-run
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { printf '== %s\n' "$*" >&2; }
now() { date +%s; }

[ "$(id -u)" = 0 ] || { say "run as root (debootstrap and chroot need it)"; exit 1; }
[ -f "$DEB" ] || { say "no .deb found: run packaging/build.sh first"; exit 1; }

if [ ! -x "$BASE/bin/sh" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  say "debootstrap --variant=minbase bookworm $BASE"
  t0=$(now)
  debootstrap --variant=minbase bookworm "$BASE" "$MIRROR" >/dev/null
  say "bare Debian 12 made in $(( $(now) - t0 )) s ($(du -sh "$BASE" | cut -f1))"
fi

rm -rf "$RUN"
cp -a "$BASE" "$RUN"
cleanup() {
  umount "$RUN/dev/pts" 2>/dev/null || true
  umount "$RUN/dev" 2>/dev/null || true
  umount "$RUN/proc" 2>/dev/null || true
}
trap cleanup EXIT
mount -t proc proc "$RUN/proc"
mount --bind /dev "$RUN/dev"
mount --bind /dev/pts "$RUN/dev/pts"
cp /etc/resolv.conf "$RUN/etc/resolv.conf"
cp "$DEB" "$RUN/tmp/"
NAME=$(basename "$DEB")
in_root() { chroot "$RUN" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

if in_root sh -c 'command -v python3' >/dev/null; then
  say "python3 is present in the bare system: the test would not prove anything"; exit 1
fi

say "apt-get install ./$NAME (Depends resolved from the Debian mirror)"
t0=$(now)
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$NAME" >/dev/null
t_install=$(( $(now) - t0 ))
say "installed in ${t_install} s; /opt/neighbourhood-desk is $(du -sh "$RUN/opt/neighbourhood-desk" | cut -f1)"
in_root sh -c 'command -v python3 || echo "no python3 on this system"'

say "neighbourhood-desk --self-test (offscreen)"
t0=$(now)
in_root env QT_QPA_PLATFORM=offscreen neighbourhood-desk --self-test
say "self-test took $(( $(now) - t0 )) s"

say "command line: demo, check, backup, restore on a fresh data folder"
in_root sh -euc '
  export NDESK_DATA_DIR=/root/office-a
  neighbourhood-desk --version
  neighbourhood-desk demo --households 200 --users
  neighbourhood-desk check
  neighbourhood-desk backup --out /root/usb
  export NDESK_DATA_DIR=/root/office-b
  neighbourhood-desk restore /root/usb/*.zip
  neighbourhood-desk check
'
test -f "$RUN/usr/share/applications/neighbourhood-desk.desktop"
test -f "$RUN/usr/share/icons/hicolor/256x256/apps/neighbourhood-desk.png"

say "a real X11 window (xcb) under Xvfb, with only the declared Depends plus xvfb"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth >/dev/null
in_root env QT_QPA_PLATFORM=xcb xvfb-run -a neighbourhood-desk --self-test | tail -1

say "removing the package keeps the users' data"
in_root apt-get remove -y -qq neighbourhood-desk >/dev/null
test ! -e "$RUN/opt/neighbourhood-desk/neighbourhood-desk"
test -f "$RUN/root/office-b/neighbourhood-desk.sqlite3"
say "all passed in the bare Debian 12"
