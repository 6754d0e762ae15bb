#!/usr/bin/env bash
# The probe's tests (python/tests/): real PyTorch (CPU), a real `tensortop attach`, and a 2-rank
# torchrun job. They need torch, taken from the first of: the cached virtual environment
# $ATTACH_VENV (default .venv-attach), $PYTHON (default python3) when it imports torch, or — for
# `make test-attach` only — a new $ATTACH_VENV with torch installed by pip (about 3 GB, once).
# With --if-available (as `make test` calls it) and no torch, one line says how to run them.
set -u
venv="${ATTACH_VENV:-.venv-attach}"
python="${PYTHON:-python3}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import torch' >/dev/null 2>&1; then
    python="$venv/bin/python"
elif ! "$python" -c 'import torch' >/dev/null 2>&1; then
    if [ "${1:-}" = "--if-available" ]; then
        echo "Probe tests (python/tests/) not run: no torch in $venv or '$python'. To run them: make test-attach (installs torch into $venv once)"
        exit 0
    fi
    echo "Probe tests: creating $venv with torch (once; about 3 GB)"
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet torch || {
        echo "error: could not install torch into $venv (pip's message above); or run with PYTHON=/path/to/a/python/with/torch" >&2
        exit 1
    }
    python="$venv/bin/python"
fi
echo "Probe tests (python/tests/) with $python, torch $("$python" -c 'import torch; print(torch.__version__)')"
TENSORTOP="${TENSORTOP:-.build/release/tensortop}" PYTHONPATH="python${PYTHONPATH:+:$PYTHONPATH}" \
    exec "$python" -m unittest discover -s python/tests -v
