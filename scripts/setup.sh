#!/usr/bin/env bash
# Set-up for a fresh Debian/Ubuntu machine: system packages (when run as root; otherwise the exact command to run),
# then the project virtual environment with the pinned Python dependencies. Idempotent and quiet when done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
# Build deps of pycairo/manimpango (Manim) and fonts for charts; Debian's Chromium for the browser tests, unless
# RTS_CHROMIUM names another Chromium/Chrome binary or RTS_SKIP_BROWSER=1 (a site-only build).
SYSTEM_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config gcc python3-dev python3-venv fonts-dejavu-core)
if [ -z "${RTS_SKIP_BROWSER:-}" ] && [ -z "${RTS_CHROMIUM:-}" ]; then
  SYSTEM_PACKAGES+=(chromium)
fi
# The browser tests also run the Nu HTML Checker (vnu.jar, pinned in package-lock.json as the npm package vnu-jar)
# over every page: it needs a Java runtime, and npm to install it (each from Debian unless one is already there).
if [ -z "${RTS_SKIP_BROWSER:-}" ]; then
  command -v java >/dev/null 2>&1 || SYSTEM_PACKAGES+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || SYSTEM_PACKAGES+=(npm)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
# python3-dev/python3-venv are only needed when the Python in use is Debian's own.
if ! "$PYTHON" -c 'import sysconfig,sys; sys.exit(0 if sysconfig.get_paths()["include"].startswith("/usr/include") else 1)' 2>/dev/null; then
  filtered=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in python3-dev|python3-venv) ;; *) filtered+=("$pkg") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
# The project itself, editable: `import generator` and `import figures` find this checkout from any folder.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
# node_modules/ (vnu-jar for the HTML conformance test, Lighthouse for make audit) from package-lock.json, exactly;
# install scripts off: vnu-jar's would download a Java runtime, and nothing may download beyond the registries.
if [ -z "${RTS_SKIP_BROWSER:-}" ] && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent --ignore-scripts
fi
echo "setup: ready ($("$VENV/bin/python" --version), $(grep -c '==' requirements.lock) pinned packages)"
