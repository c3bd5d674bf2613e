#!/usr/bin/env bash
# Create .venv with Python >= 3.12 (the one .python-version selects under pyenv) and install
# the package in editable mode with the extras given as the first argument, e.g. "[test]".
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  PY=""
  for candidate in python python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      PY=$candidate
      break
    fi
  done
  if [ -z "$PY" ]; then
    echo "negotiation needs Python >= 3.12 (Mesa 3.5 does); install it, e.g. 'pyenv install 3.12'" >&2
    exit 1
  fi
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --editable ".${extras}"
