#!/usr/bin/env bash
# The tests that need a real PyTorch (tests-torch/), run with $PYTHON (default python3)
# against the release tensortop binary. With --if-available (as `make test` calls it), a
# Python without torch skips them with one line saying how to run them; otherwise that is an error.
set -u
python="${PYTHON:-python3}"
if ! "$python" -c 'import torch' >/dev/null 2>&1; then
    message="PyTorch tests (tests-torch/) not run: '$python' cannot import torch. To run them: pip install torch (in a virtual environment), then make test-torch PYTHON=/path/to/that/python"
    if [ "${1:-}" = "--if-available" ]; then
        echo "$message"
        exit 0
    fi
    echo "error: $message" >&2
    exit 1
fi
echo "PyTorch tests (tests-torch/) with $python, torch $("$python" -c 'import torch; print(torch.__version__)')"
TENSORTOP="${TENSORTOP:-.build/release/tensortop}" exec "$python" -m unittest discover -s tests-torch -v
