#!/usr/bin/env bash
# callboard on a fresh Debian 12 / Raspberry Pi OS Bookworm machine, from a clone of the repo.
#
#   bash scripts/dev.sh demo   install what the board needs, then run it on a private
#                              broker with sample calls (no broker or config needed)
#   bash scripts/dev.sh test   install what the tests need, then run the linter and the suite
#
# Debian packages are installed with apt (as root, or through sudo); Python packages go
# into .venv beside this repo. Running it again installs nothing new and needs no network:
# apt and pip run only when something is missing or pyproject.toml has changed.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_PACKAGES=(python3-venv mosquitto mosquitto-clients espeak-ng fonts-noto-cjk fonts-wqy-zenhei libusb-1.0-0 v4l-utils)
TEST_PACKAGES=(tesseract-ocr sox chromium chromium-driver)
TEST_PACKAGES+=(rabbitmq-server)  # tests/brokers: a lobby on RabbitMQ's MQTT plugin (MQTT 3.1.1)
TEST_PACKAGES+=(postgresql)  # the central collector's database, started by the tests on a free port
RUNTIME_PACKAGES+=(sox)  # converts a voice pack's clips recorded at 44.1/48 kHz or in stereo
# What pip last installed into .venv: pyproject.toml's hash, then the extras ("[test]").
STAMP=.venv/callboard-installed

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

installed() {  # is callboard with these extras in .venv, from this very pyproject.toml?
    local extra="$1" hash stamp
    [ -x .venv/bin/python ] && [ -f "$STAMP" ] || return 1
    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    stamp="$(cat "$STAMP")"
    # The test extras hold everything the demo needs.
    [ "$stamp" = "$hash$extra" ] || { [ -z "$extra" ] && [ "$stamp" = "$hash[test]" ]; } \
        || return 1
    .venv/bin/python -c "import callboard" 2>/dev/null  # the editable install still works
}

python_env() {
    local extra="$1"
    installed "$extra" && return 0
    if [ ! -x .venv/bin/python ]; then
        say "creating the Python environment in .venv"
        python3 -m venv .venv
    fi
    say "installing callboard${extra} into .venv"
    rm -f "$STAMP"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
    printf '%s%s\n' "$(sha256sum pyproject.toml | cut -d' ' -f1)" "$extra" > "$STAMP"
}

case "${1:-}" in
    demo)
        shift
        apt_install "${RUNTIME_PACKAGES[@]}"
        python_env ""
        say "starting the board (stop with Ctrl+C)"
        exec .venv/bin/callboard demo "$@"
        ;;
    test)
        shift
        apt_install "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        python_env "[test]"
        say "lint"
        .venv/bin/ruff check .
        .venv/bin/ruff format --check .
        say "tests"
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        sed -n '2,10p' "$0" >&2
        exit 64
        ;;
esac
