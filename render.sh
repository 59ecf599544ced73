#!/usr/bin/env bash
# The one entry point: sets up what is missing (Debian packages, .venv), then
# hands every argument to the Python CLI (python -m cli).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed"
REVEAL_VERSION=6.0.1  # the version manim-slides' HTML template is written for
# libpango1.0-dev brings cairo and pkg-config for building pycairo and manimpango;
# LaTeX and dvisvgm typeset MathTex; fonts-nanum renders Korean labels; npm (when
# missing) fetches reveal.js for offline HTML slide decks.
APT_PACKAGES=(libpango1.0-dev pkg-config texlive-latex-base texlive-fonts-recommended
              texlive-latex-recommended dvisvgm fonts-nanum)

say() { echo "render.sh: $*" >&2; }
# signals ignored when we were started (nohup, a background job) stay ignored in Python
BACKPROP_IGNORED_SIGNALS=""
for sig in INT TERM HUP; do
  [ -n "$(trap -p "$sig")" ] && BACKPROP_IGNORED_SIGNALS+="SIG$sig "
done
export BACKPROP_IGNORED_SIGNALS
# an interrupt during set-up: one line and exit code 2, as the Python side does
trap 'say "error: interrupted while setting up; no output file was changed"; exit 2' INT TERM HUP

missing_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || echo "$pkg"
  done
  python3 -c 'import ensurepip, venv' 2>/dev/null || echo python3-venv
  command -v npm >/dev/null || echo npm
}

install_packages() {
  command -v dpkg-query >/dev/null || {
    say "this setup needs Debian or Ubuntu (dpkg/apt); install the equivalents of: ${APT_PACKAGES[*]}"
    exit 2
  }
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  local apt=(apt-get install -y --no-install-recommends $missing)
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: $missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" -qq >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "installing Debian packages with sudo: $missing"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive "${apt[@]}" -qq >/dev/null
  else
    say "missing Debian packages; install them, then run this again:"
    echo "  sudo apt-get update && sudo ${apt[*]}" >&2
    exit 2
  fi
}

install_venv() {
  local want have
  want="$(python3 --version 2>&1) $(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  have="$(cat "$STAMP" 2>/dev/null || true)"
  # the tests need the jupyter group; an environment that has it serves every command
  [ "$have" = "$want$EXTRAS" ] || [ "$have" = "$want[jupyter]" ] && return 0
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "Python 3.11 or newer is needed as python3 (found $(python3 --version 2>&1))"
    exit 2
  }
  say "setting up the virtual environment in .venv (first run takes a few minutes)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e "$ROOT$EXTRAS"
  echo "$want$EXTRAS" > "$STAMP"
}

install_reveal() {
  # the slide decks inline reveal.js: unpack the npm package once into .venv
  [ -f "$VENV/reveal.js/dist/reveal.js" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  say "fetching reveal.js $REVEAL_VERSION for offline slide decks"
  (cd "$tmp" && npm pack --silent "reveal.js@$REVEAL_VERSION" >/dev/null) \
    && mkdir -p "$VENV/reveal.js" \
    && tar -xzf "$tmp"/reveal.js-*.tgz -C "$VENV/reveal.js" --strip-components=1
  rm -rf "$tmp"
  [ -f "$VENV/reveal.js/dist/reveal.js" ] || { say "could not fetch reveal.js with npm"; exit 2; }
}

# the tests also load the gallery page in a real browser, and run README's notebook cells
EXTRAS=""
[ "${1:-}" = test ] && APT_PACKAGES+=(chromium) && EXTRAS="[jupyter]"
install_packages
install_venv
install_reveal
# Ignored until cli/__main__.py installs its handlers a few milliseconds into Python's
# start: a signal that early would otherwise print a KeyboardInterrupt traceback
trap '' INT TERM HUP
exec "$VENV/bin/python" -m cli "$@"
