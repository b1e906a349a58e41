# shellcheck shell=bash
# Sourced by scripts/run and scripts/test: go to the repository root, make sure .venv exists and
# has the project installed (re-installed only when pyproject.toml changes), and put .venv/bin
# first on PATH.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$PWD
PYTHON=${PYTHON:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed ('$PYTHON' is $("$PYTHON" --version 2>&1))." >&2
    echo "       Set PYTHON=/path/to/python3.11 and try again." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtualenv in .venv ..."
    if ! "$PYTHON" -m venv .venv; then
        rm -rf .venv
        echo "error: could not create a virtualenv." >&2
        echo "       On Debian/Ubuntu: apt-get install python3-venv" >&2
        exit 1
    fi
fi

# One stamp per pyproject.toml content: editing dependencies triggers exactly one re-install.
_stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-64)"
if [ ! -e "$_stamp" ]; then
    echo "Installing the project and its test tools into .venv ..."
    .venv/bin/python -m pip install --quiet -e '.[test]'
    rm -f .venv/.installed-*
    touch "$_stamp"
fi
unset _stamp

export PATH="$REPO_ROOT/.venv/bin:$PATH"
export REPO_ROOT

# `python -m recovery.config` runs a module the package __init__ has already imported; runpy's
# warning about that is expected and harmless here.
ensure_secret_key() {
    python -W "ignore::RuntimeWarning:runpy" -m recovery.config ensure-secret-key "$@"
}
