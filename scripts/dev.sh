#!/usr/bin/env bash
# Neighbourhood Desk set-up on Debian/Ubuntu (and other Linux with the packages below):
#   bash scripts/dev.sh run  [ARGS]   set up, then open the program (ARGS go to main.py)
#   bash scripts/dev.sh test [ARGS]   set up, then lint, type-check and run the whole test suite
#   bash scripts/dev.sh setup         set up only
# Set-up = Qt's system libraries and Chinese fonts (installed when run as root, else the exact
# apt command is printed), a virtual environment in .venv from pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-run}
[ $# -gt 0 ] && shift
VENV=${NDESK_VENV:-.venv}

# Qt (offscreen and a real xcb window) and Chinese TrueType faces for the window and PDFs:
# AR PL UKai for body text (仿宋-like: Debian has no simplified FangSong), WenQuanYi Zen Hei
# for titles (黑体-like), Micro Hei for the window, UMing as a fallback (reports/layout/fonts.py).
APT_RUNTIME="libglib2.0-0 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0 libegl1 libgl1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0
  fonts-arphic-ukai fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-uming"
# The tests read PDFs back (pdftotext, pdffonts, pdftoppm; poppler-data to render the control
# PDF whose font is not embedded) and run once more at a later date under faketime; the
# data-layer tests also run on a throwaway PostgreSQL cluster (scripts/pg_cluster.sh).
APT_TEST="poppler-utils poppler-data faketime postgresql postgresql-contrib"

say() { printf '%s\n' "$*" >&2; }

python_bin() {
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: see README
  local wanted="$APT_RUNTIME" missing=""
  [ "$MODE" = test ] && wanted="$wanted $APT_TEST"
  local py; py=$(python_bin || true)
  if [ -z "$py" ]; then wanted="$wanted python3 python3-venv"
  elif ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then wanted="$wanted python3-venv"; fi
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  local cmd="apt-get install -y --no-install-recommends$missing"
  if [ "$(id -u)" = 0 ]; then
    say "正在安装系统组件 / installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && $cmd -qq
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "正在安装系统组件 / installing system packages:$missing"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive $cmd -qq
  else
    say "缺少系统组件。请先运行 / Missing system packages. Please run:"
    say "  sudo apt-get update && sudo $cmd"
    exit 1
  fi
}

virtualenv() {
  local py; py=$(python_bin) || { say "需要 Python 3.10 或更新版本 / Python >= 3.10 is required."; exit 1; }
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
  # Reinstall only when pyproject.toml changed since the last set-up.
  local stamp; stamp=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev]"
    echo "$stamp" > "$VENV/.installed"
  fi
}

system_packages
virtualenv

case "$MODE" in
  setup) say "已就绪 / ready." ;;
  run)
    if [ "$(uname)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      say "没有图形显示（DISPLAY 未设置）。请在桌面会话中运行，或用：xvfb-run -a bash scripts/dev.sh run"
      exit 1
    fi
    exec "$VENV/bin/python" main.py "$@" ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check --quiet . || { say "请先运行 ruff format / run ruff format first"; exit 1; }
    "$VENV/bin/mypy"
    # One throwaway PostgreSQL cluster for the runs below (tests/postgres_support.py starts
    # its own when NDESK_TEST_PG is unset; without PostgreSQL those tests are skipped).
    if [ -z "${NDESK_TEST_PG:-}" ]; then
      PG_DIR=$(mktemp -d -t ndesk-pg.XXXXXX)
      chmod 755 "$PG_DIR"
      if NDESK_TEST_PG=$(bash scripts/pg_cluster.sh start "$PG_DIR/cluster"); then
        export NDESK_TEST_PG
        trap 'bash scripts/pg_cluster.sh stop "$PG_DIR/cluster" >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
      else
        say "无法启动 PostgreSQL，跳过其测试 / PostgreSQL could not be started: its tests are skipped"
        export NDESK_TEST_PG=skip
      fi
    fi
    if [ $# -gt 0 ]; then "$VENV/bin/python" -m pytest "$@"; exit; fi   # a chosen part: one run
    "$VENV/bin/python" -m pytest
    # The data layer once more on PostgreSQL (tests/conftest.py picks the tests: those that
    # use the database and no window; sqlite_only ones say why they are skipped).
    if [ "${NDESK_TEST_PG:-}" != skip ]; then
      say "数据层测试在 PostgreSQL 上再运行一次 / the data-layer tests again on PostgreSQL"
      NDESK_TEST_ENGINE=postgresql "$VENV/bin/python" -m pytest -q -p no:cacheprovider
    fi
    # Every test runs on a frozen day (tests/conftest.py); this second run moves the machine's
    # own clock years ahead, so that anything reading the real date behind models/core/clock.py's
    # back (a library, SQLite, Qt, a program a test starts) fails now, not on that date.
    later=${NDESK_LATER_DATE:-2030-01-02}
    if command -v faketime >/dev/null 2>&1; then
      say "再次运行全部测试，系统时钟设为 $later / the suite again with the clock at $later"
      # (PostgreSQL is left out here: its server would run on the faked clock too, and the
      # same tests have just run on SQLite at this date.)
      NDESK_TEST_PG=skip faketime -f "@$later 09:00:00" "$VENV/bin/python" -m pytest -p no:cacheprovider
      exit
    fi
    say "未安装 faketime，跳过以后日期的测试 / faketime is missing: the later-date run was skipped" ;;
  *) say "用法 / usage: bash scripts/dev.sh run|test|setup [ARGS]"; exit 2 ;;
esac
