#!/usr/bin/env bash
# Set up CIFAR-10 once (download with checksum, or a local copy), then build its fast cache.
#
#   bash setup_data.sh                       # download from the official site into datasets/
#   bash setup_data.sh --archive PATH        # use a local cifar-10-python.tar.gz (offline machines)
#   bash setup_data.sh --url URL --dest DIR  # another download address / data folder
#
# Safe to run again: it stops at once when the data is already there. Works from any folder;
# relative paths are taken from the folder you run it in. The logic lives in
# coursekit/cifar_setup.py; set PYTHON to choose the interpreter (default: python3).
# See datasets/README.md.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Import coursekit from this repository even when it is not pip-installed, and never from
# a same-named folder in the current directory (PYTHONSAFEPATH, Python >= 3.11).
export PYTHONPATH="${REPO_DIR}${PYTHONPATH:+:${PYTHONPATH}}"
export PYTHONSAFEPATH=1

exec "${PYTHON:-python3}" -m coursekit.cifar_setup "$@"
