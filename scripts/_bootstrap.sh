# shellcheck shell=bash
# Sourced by scripts/run, scripts/serve and scripts/test: go to the repository root, install the
# Debian packages listed in scripts/debian-packages that are missing (the groups in $NEEDS,
# which every caller sets: "app", or "app test"), make sure .venv exists and has the project
# installed (re-installed only when pyproject.toml changes), and put .venv/bin first on PATH.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$PWD
PYTHON=${PYTHON:-python3}

# The Debian packages of the groups in $NEEDS ("app", or "app test"), from scripts/debian-packages,
# that are not installed yet; python3-venv too when this Python can't make a virtualenv.
missing_debian_packages() {
    local group pkg
    while read -r group pkg _; do
        case " $NEEDS " in *" $group "*) ;; *) continue ;; esac
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || echo "$pkg"
    done < <(grep -Ev '^[[:space:]]*(#|$)' scripts/debian-packages)
    if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        echo python3-venv
    fi
}

# Install what is missing with apt-get: directly as root, or through sudo when it needs no
# password. Otherwise stop before anything else and print the one command that would do it.
ensure_debian_packages() {
    if ! command -v dpkg-query >/dev/null; then
        echo "note: not a Debian/Ubuntu system; install the equivalents of the '$NEEDS'" \
             "packages in scripts/debian-packages yourself." >&2
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_debian_packages)
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            echo "error: these Debian packages are needed and not installed: ${missing[*]}" >&2
            echo "       Install them, then run this again:" >&2
            echo "" >&2
            echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
            exit 1
        fi
    fi
    echo "Installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_debian_packages

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed ('$PYTHON' is $("$PYTHON" --version 2>&1))." >&2
    echo "       Set PYTHON=/path/to/python3.11 and try again." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtualenv in .venv ..."
    if ! "$PYTHON" -m venv .venv; then
        rm -rf .venv
        echo "error: could not create a virtualenv with $PYTHON." >&2
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
