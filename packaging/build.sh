#!/usr/bin/env bash
# Build the Linux program (PyInstaller one-folder) and its .deb, and self-test the build.
#
#   bash packaging/build.sh            dist/neighbourhood-desk/ and dist/neighbourhood-desk_<version>_<arch>.deb
#   bash packaging/build.sh --no-deb   the one-folder build only
#
# Then `sudo bash packaging/test-deb.sh` installs the .deb in a bare Debian 12 (no Python) and
# runs its --self-test there. Both take minutes, so CI (.ci/run) does not run them.
# Needs: python3 >= 3.11 with venv, dpkg-deb, binutils (objdump); network access to PyPI the
# first time (the build venv is kept in build/pyinstaller-venv and reused).
set -euo pipefail
cd "$(dirname "$0")/.."

APP=neighbourhood-desk
PY=${PYTHON:-python3}
VENV=${NDESK_BUILD_VENV:-build/pyinstaller-venv}
MAKE_DEB=1
[ "${1:-}" = "--no-deb" ] && MAKE_DEB=0
say() { printf '== %s\n' "$*" >&2; }
now() { date +%s; }

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' models/version.py)
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
t_start=$(now)

# 1. The build venv: PyInstaller and the program's dependencies at pinned versions.
stamp=$(cat packaging/requirements-build.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
  say "creating the build venv $VENV"
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$stamp" ]; then
  say "installing build requirements"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r packaging/requirements-build.txt
  # Anything pyproject.toml depends on that the pins do not name yet, within its ranges.
  "$VENV/bin/python" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
    > build/pyproject-requirements.txt
  "$VENV/bin/python" -m pip install -q -c packaging/requirements-build.txt -r build/pyproject-requirements.txt
  echo "$stamp" > "$VENV/.installed"
fi
t_venv=$(now)

# 2. PyInstaller, one folder.
say "PyInstaller"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/$APP.spec
t_build=$(now)

# 3. The build's own self-test (offscreen, temporary database, removed afterwards).
say "self-test of dist/$APP"
QT_QPA_PLATFORM=offscreen "dist/$APP/$APP" --self-test
t_test=$(now)

say "one-folder build: $(du -sh "dist/$APP" | cut -f1)"
if [ "$MAKE_DEB" = 0 ]; then
  say "done in $((t_test - t_start)) s (venv $((t_venv - t_start)) s, PyInstaller $((t_build - t_venv)) s, self-test $((t_test - t_build)) s)"
  exit 0
fi

# 4. The .deb: the folder in /opt, a command in /usr/bin, a menu entry and an icon.
PKG=build/deb/${APP}_${VERSION}_${ARCH}
rm -rf "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/256x256/apps" "$PKG/usr/share/doc/$APP"
cp -a "dist/$APP" "$PKG/opt/$APP"
ln -s "/opt/$APP/$APP" "$PKG/usr/bin/$APP"
install -m 644 resources/$APP.desktop "$PKG/usr/share/applications/$APP.desktop"
install -m 644 resources/$APP.png "$PKG/usr/share/icons/hicolor/256x256/apps/$APP.png"
install -m 644 packaging/deb/copyright "$PKG/usr/share/doc/$APP/copyright"
chmod -R u=rwX,go=rX "$PKG/opt" "$PKG/usr"

# The newest glibc symbol version any bundled binary needs decides the libc6 dependency.
GLIBC=$(find "$PKG/opt/$APP" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
  xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
SIZE=$(du -sk "$PKG/opt" "$PKG/usr" | awk '{s += $1} END {print s}')
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
  -e "s/libc6 (>= [0-9.]*)/libc6 (>= ${GLIBC:-2.34})/" packaging/deb/control.in > "$PKG/DEBIAN/control"
DEB=dist/${APP}_${VERSION}_${ARCH}.deb
say "dpkg-deb (xz) -> $DEB"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null
t_deb=$(now)

say "needs glibc >= $GLIBC; installed size $((SIZE / 1024)) MB; .deb $(du -h "$DEB" | cut -f1)"
say "done in $((t_deb - t_start)) s (venv $((t_venv - t_start)) s, PyInstaller $((t_build - t_venv)) s, self-test $((t_test - t_build)) s, .deb $((t_deb - t_test)) s)"
say "next: sudo bash packaging/test-deb.sh $DEB"
