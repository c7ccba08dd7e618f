#!/usr/bin/env bash
# The project's one entry point. Each command sets up what it needs itself:
# the virtual environment (.venv, from requirements.txt) and CIFAR-10 (datasets/).
#
#   bash course.sh demo     the main job: release, build example submissions, grade them
#   bash course.sh test     the test suite (what CI runs)
#   bash course.sh bench    the benchmark table (benchmarks/results.md)
#   bash course.sh data     only set up the virtual environment and CIFAR-10
#   bash course.sh lab      JupyterLab for students (Validate runs the course check)
#
# CIFAR-10 comes from, in order: $CIFAR10_ARCHIVE (a local cifar-10-python.tar.gz);
# ../shared/data (the offline copy on the course's build machines); else the
# official download (setup_data.sh).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
PY=$VENV/bin/python
SHARED_DATA=../shared/data
LOCAL_ARCHIVE=datasets/downloads/cifar-10-python.tar.gz

data_ready() {
    [ -f datasets/cifar10_cache/COMPLETE ] && [ -d datasets/cifar-10-batches-py ]
}

needs_offline_archive() {
    ! data_ready && [ -z "${CIFAR10_ARCHIVE:-}" ] && [ -f "$SHARED_DATA/make_cifar10_archive.py" ] \
        && [ ! -f "$LOCAL_ARCHIVE" ]
}

build_offline_archive() {
    echo "Building the CIFAR-10 archive from $SHARED_DATA (offline copy, ~25 s) ..."
    mkdir -p "$(dirname "$LOCAL_ARCHIVE")"
    "$PY" "$SHARED_DATA/make_cifar10_archive.py" "$LOCAL_ARCHIVE.part"
    mv "$LOCAL_ARCHIVE.part" "$LOCAL_ARCHIVE"
}

ensure_venv() {
    local digest stamp builder=""
    digest=$("$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(b"".join(open(f,"rb").read() for f in sys.argv[1:])).hexdigest()[:16])' requirements.txt pyproject.toml)
    stamp=$VENV/.installed-$digest
    if [ ! -f "$stamp" ]; then
        echo "Setting up the virtual environment in $VENV (first run only) ..."
        "$PYTHON" -m venv "$VENV"
        if needs_offline_archive; then
            # The archive builder needs only numpy and Pillow: install them first, then build the
            # archive while pip installs the rest (each takes about 40 s, on different cores).
            "$PY" -m pip install --quiet --disable-pip-version-check \
                $(sed -n -E 's/^((numpy|Pillow)==[^ ]+).*/\1/p' requirements.txt)
            build_offline_archive &
            builder=$!
        fi
        "$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt
        if [ -n "$builder" ]; then
            wait "$builder"
        fi
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}

ensure_data() {
    if data_ready; then
        return 0
    fi
    if [ -n "${CIFAR10_ARCHIVE:-}" ]; then
        PYTHON=$PY bash setup_data.sh --archive "$CIFAR10_ARCHIVE"
    elif [ -f "$SHARED_DATA/make_cifar10_archive.py" ]; then
        if [ ! -f "$LOCAL_ARCHIVE" ]; then
            build_offline_archive
        fi
        PYTHON=$PY bash setup_data.sh --archive "$LOCAL_ARCHIVE"
    else
        PYTHON=$PY bash setup_data.sh
    fi
}

ensure_sandbox() {
    # The grader runs student code inside bubblewrap (README: Threat model); install it where we may.
    command -v bwrap >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing bubblewrap, the grading sandbox ..."
        { apt-get install -y -qq bubblewrap || { apt-get update -qq && apt-get install -y -qq bubblewrap; }; } >/dev/null 2>&1 \
            || echo "Could not install bubblewrap: grading will run without the sandbox (it says so)."
    fi
}

ensure_browser() {
    # The Validate tests drive JupyterLab in headless chromium (tests/full/test_validate_browser.py).
    command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing chromium and chromedriver, for the browser tests ..."
        { apt-get install -y -qq chromium chromium-driver \
            || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }; } >/dev/null 2>&1 \
            || echo "Could not install chromium: the browser tests will skip (with CI=true they fail)."
    fi
}

command=${1:-help}
[ $# -gt 0 ] && shift
case "$command" in
    demo)  ensure_venv; ensure_data; ensure_sandbox; exec "$PY" -m autograder demo "$@" ;;
    test)  ensure_venv; ensure_data; ensure_sandbox; ensure_browser; exec bash tests/with_postgres.sh "$PY" -m pytest "$@" ;;
    bench) ensure_venv; ensure_data; exec "$PY" benchmarks/run.py "$@" ;;
    data)  ensure_venv; ensure_data ;;
    lab)   ensure_venv; ensure_data; exec "$PY" -m coursekit.lab "$@" ;;
    *)     sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; [ "$command" = help ] ;;
esac
