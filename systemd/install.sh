#!/usr/bin/env bash
# Install callboard on Raspberry Pi OS Bookworm (64-bit), as root, from this repository:
#
#   sudo bash systemd/install.sh [--with-broker] [--queue] [--kiosk] [--console]
#                                [--audio hdmi|jack] [--dry-run]
#   sudo bash systemd/install.sh --uninstall [--purge] [--dry-run]
#
#   --with-broker   this Pi is the whole lobby: it hosts the lobby's mosquitto
#                   (config/mosquitto-local.conf, loopback only) and the embedded queue engine
#   --queue         run the queue engine as its own service (callboard-queue) instead
#   --kiosk         this Pi is a ticket machine: callboard-kiosk instead of the lobby screen
#   --console       run the web console for tellers and the manager (callboard-console),
#                   on loopback as the example config says: put a TLS reverse proxy in front
#   --audio         send sound to the HDMI TV (default) or the 3.5 mm jack
#   --dry-run       print what would be done, change nothing
#
# It is idempotent: running it again changes nothing that is already right. It never
# overwrites /etc/callboard/callboard.toml once it exists, and keeps the first
# /etc/asound.conf it replaces (as /etc/asound.conf.before-callboard; --uninstall puts it back).
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/callboard
CONFIG_DIR=/etc/callboard
STATE_DIR=/var/lib/callboard
UNIT_DIR=/etc/systemd/system
USER_NAME=callboard
CMDLINE=/boot/firmware/cmdline.txt
CMDLINE_OLD=/boot/cmdline.txt  # before Bookworm
ASOUND=/etc/asound.conf
ASOUND_BACKUP=/etc/asound.conf.before-callboard
ASOUND_MARK="# written by callboard's installer"
# The groups that own the devices the screen opens on Raspberry Pi OS. The unit names none
# of them: systemd's User= gives the service the user's groups from /etc/group
# (initgroups), while a group named in SupplementaryGroups= that a system lacks stops the
# service from starting at all (status 216/GROUP). So the user joins those that exist here.
DEVICE_GROUPS=(video render input audio gpio)
WITH_BROKER=no QUEUE=no KIOSK=no CONSOLE=no AUDIO=hdmi DRY=no UNINSTALL=no PURGE=no

usage() { sed -n '2,/^[^#]/ s/^#//p' "${BASH_SOURCE[0]}" >&2; exit 64; }

parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --with-broker) WITH_BROKER=yes ;;
            --queue) QUEUE=yes ;;
            --kiosk) KIOSK=yes; DEVICE_GROUPS+=(lp dialout) ;;
            --console) CONSOLE=yes ;;
            --audio) AUDIO="${2:?--audio takes hdmi or jack}"; shift ;;
            --dry-run) DRY=yes ;;
            --uninstall) UNINSTALL=yes ;;
            --purge) PURGE=yes ;;
            *) usage ;;
        esac
        shift
    done
    case "$AUDIO" in hdmi|jack) ;; *) echo "--audio takes hdmi or jack" >&2; exit 64 ;; esac
}

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
run() { if [ "$DRY" = yes ]; then printf '    would run: %s\n' "$*"; else "$@"; fi; }
write() {  # write FILE from stdin, only if it differs
    local target="$1" content
    content="$(cat)"
    if [ -f "$target" ] && [ "$(cat "$target")" = "$content" ]; then return 0; fi
    if [ "$DRY" = yes ]; then printf '    would write %s\n' "$target"; return 0; fi
    mkdir -p "$(dirname "$target")"
    printf '%s\n' "$content" > "$target"
}

embedded_wanted() {  # the engine runs inside the screen on a whole-lobby Pi, unless --queue
    [ "$WITH_BROKER" = yes ] && [ "$QUEUE" = no ]
}

example_config() {  # the example config as this Pi should start with it
    if embedded_wanted; then
        sed '/^\[queue\]/,/^\[/ s/^embedded = false/embedded = true/' "$SOURCE/config/lobby.toml"
    else
        cat "$SOURCE/config/lobby.toml"
    fi
}

config_embedded() {  # "true" or "false": [queue] embedded of a config file
    python3 -c 'import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(str(tomllib.load(f).get("queue", {}).get("embedded", False)).lower())' "$1"
}

install_packages() {
    say "Debian packages"
    local packages=(python3-venv espeak-ng fonts-noto-cjk fonts-wqy-zenhei alsa-utils libusb-1.0-0) missing=()
    packages+=(v4l-utils)  # cec-ctl: the TV to standby after closing, and on before opening
    [ "$WITH_BROKER" = yes ] && packages+=(mosquitto mosquitto-clients)
    packages+=(sox)  # converts a voice pack's clips recorded at another rate or in stereo
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        run apt-get update -qq
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
    # gpiozero's pin factory for the Pi 4 and 5 (Raspberry Pi OS ships it as a package).
    if apt-cache show python3-lgpio >/dev/null 2>&1; then
        dpkg-query -W python3-lgpio >/dev/null 2>&1 || run apt-get install -y -qq python3-lgpio
    fi
}

install_user() {
    say "the user $USER_NAME"
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin "$USER_NAME"
    fi
    local group member_of absent=()
    member_of=" $(id -nG "$USER_NAME" 2>/dev/null || true) "
    for group in "${DEVICE_GROUPS[@]}"; do
        if ! getent group "$group" >/dev/null; then
            absent+=("$group")
        elif [[ "$member_of" != *" $group "* ]]; then
            run usermod -aG "$group" "$USER_NAME"
        fi
    done
    for group in "${absent[@]}"; do
        case "$group" in
            video) note "no group video here: the screen may not open the TV (/dev/dri)" ;;
            render) note "no group render here: GPU render nodes stay root's (the board needs none)" ;;
            input) note "no group input here: keyboards cannot stand in for the counter buttons" ;;
            audio) note "no group audio here: the speaker may not be reachable" ;;
            gpio) note "no group gpio here: counter buttons on GPIO need Raspberry Pi OS's udev rules" ;;
        esac
    done
}

install_python() {
    say "the Python environment in $PREFIX/venv"
    if [ ! -x "$PREFIX/venv/bin/python" ]; then
        # System site packages: python3-lgpio comes from apt, not PyPI.
        run python3 -m venv --system-site-packages "$PREFIX/venv"
    fi
    run "$PREFIX/venv/bin/pip" install --quiet --disable-pip-version-check --upgrade "$SOURCE"
}

install_config() {
    say "the configuration in $CONFIG_DIR"
    local target="$CONFIG_DIR/callboard.toml" staged
    run install -d -m 0750 -o root -g "$USER_NAME" "$CONFIG_DIR" "$CONFIG_DIR/themes"
    if [ ! -f "$target" ]; then
        if [ "$DRY" = yes ]; then
            local how="as it is"
            embedded_wanted && how="with [queue] embedded = true"
            note "would install the example config as $target, $how"
        else
            staged="$(mktemp)"
            example_config > "$staged"
            install -m 0640 -o root -g "$USER_NAME" "$staged" "$target"
            rm -f "$staged"
        fi
    else
        check_embedded "$target"
    fi
    run install -m 0644 "$SOURCE/config/themes/branch.toml" "$CONFIG_DIR/themes/branch.toml"
    run install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$STATE_DIR"
}

check_embedded() {  # an existing config is the site's own: say what to change, never edit it
    local config="$1" want found
    if embedded_wanted; then want=true
    elif [ "$QUEUE" = yes ]; then want=false
    else return 0
    fi
    found="$(config_embedded "$config" 2>/dev/null)" || found=unreadable
    [ "$found" = "$want" ] && return 0
    if [ "$want" = true ]; then
        note "$config stays as it is, and does not run the queue engine; for a Pi that is"
        note "the whole lobby, set in its [queue] section:  embedded = true"
    else
        note "$config stays as it is, and runs the queue engine inside the screen too;"
        note "with --queue (callboard-queue) set in its [queue] section:  embedded = false"
    fi
    note "then: sudo systemctl restart callboard"
}

install_broker() {
    [ "$WITH_BROKER" = yes ] || return 0
    say "mosquitto on this Pi (loopback only unless its config says otherwise)"
    if [ ! -f /etc/mosquitto/conf.d/callboard.conf ]; then
        run install -m 0644 "$SOURCE/config/mosquitto-local.conf" /etc/mosquitto/conf.d/callboard.conf
    fi
    run systemctl enable --now mosquitto.service
    run systemctl restart mosquitto.service
}

install_console() {
    say "the console of a Pi without a desktop"
    # No console blanking (the board has no keyboard to wake it), no blinking text cursor.
    local cmdline="$CMDLINE" option missing=()
    [ -f "$cmdline" ] || cmdline="$CMDLINE_OLD"
    if [ ! -f "$cmdline" ]; then
        note "no $CMDLINE or $CMDLINE_OLD: add consoleblank=0 to the kernel's command line"
        return 0
    fi
    for option in consoleblank=0 vt.global_cursor_default=0; do
        grep -qE "(^| )$option( |\$)" "$cmdline" || missing+=("$option")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ ! -e "$cmdline.before-callboard" ]; then
        note "keeping $cmdline as $cmdline.before-callboard"
        run cp -p "$cmdline" "$cmdline.before-callboard"
    fi
    for option in "${missing[@]}"; do
        # One line only; an option already there with another value (consoleblank=600) is
        # changed, not given a second time.
        if grep -qE "(^| )${option%%=*}=" "$cmdline"; then
            run sed -i -E "1 s/(^| )${option%%=*}=[^ ]*/\1$option/" "$cmdline"
        else
            run sed -i "1 s/\$/ $option/" "$cmdline"
        fi
    done
    note "$cmdline: ${missing[*]} from the next boot on"
}

is_ours() { [ -f "$1" ] && grep -qF "$ASOUND_MARK" "$1"; }

install_asound() {
    say "the sound output ($AUDIO) in $ASOUND"
    local card=vc4hdmi0
    [ "$AUDIO" = jack ] && card=Headphones
    if [ -f "$ASOUND" ] && ! is_ours "$ASOUND"; then
        if [ ! -e "$ASOUND_BACKUP" ]; then
            note "keeping the system's $ASOUND as $ASOUND_BACKUP"
            run cp -p "$ASOUND" "$ASOUND_BACKUP"
        elif ! cmp -s "$ASOUND" "$ASOUND_BACKUP"; then
            # Changed by hand since callboard replaced it: the site's choice, and the first
            # backup must stay the system's own file.
            note "$ASOUND was changed since callboard wrote it: left as it is"
            note "(remove it and run this again to send the sound to the $AUDIO output)"
            return 0
        fi
    fi
    write "$ASOUND" <<EOF
$ASOUND_MARK: the lobby's sound goes to the $AUDIO output
defaults.pcm.card $card
defaults.ctl.card $card
EOF
}

uninstall_asound() {
    if ! is_ours "$ASOUND"; then
        [ -e "$ASOUND_BACKUP" ] && note "$ASOUND is not callboard's now: kept it and $ASOUND_BACKUP"
        return 0
    fi
    if [ -e "$ASOUND_BACKUP" ]; then
        say "putting back the system's $ASOUND"
        run mv -f "$ASOUND_BACKUP" "$ASOUND"
    else
        say "removing callboard's $ASOUND"
        run rm -f "$ASOUND"
    fi
}

install_services() {
    say "the services"
    run install -m 0644 "$SOURCE/systemd/callboard.service" "$UNIT_DIR/callboard.service"
    run install -m 0644 "$SOURCE/systemd/callboard-queue.service" "$UNIT_DIR/callboard-queue.service"
    run install -m 0644 "$SOURCE/systemd/callboard-kiosk.service" "$UNIT_DIR/callboard-kiosk.service"
    install_web_console
    run systemctl daemon-reload
    local screen=callboard.service  # a ticket machine's screen is the kiosk, not the board
    if [ "$KIOSK" = yes ]; then
        screen=callboard-kiosk.service
        run systemctl disable callboard.service || true
    fi
    run systemctl enable "$screen"
    [ "$QUEUE" = yes ] && run systemctl enable callboard-queue.service
    run "$PREFIX/venv/bin/callboard" check-config "$CONFIG_DIR/callboard.toml"
    run systemctl restart "$screen"
    [ "$QUEUE" = yes ] && run systemctl restart callboard-queue.service
    [ "$CONSOLE" = yes ] && run systemctl enable callboard-console.service \
        && run systemctl restart callboard-console.service
    return 0
}

install_web_console() {  # the unit, and the key that signs its cookies (made once, kept)
    [ "$CONSOLE" = yes ] || return 0
    say "the web console (callboard-console)"
    run install -m 0644 "$SOURCE/systemd/callboard-console.service" "$UNIT_DIR/callboard-console.service"
    local key="$CONFIG_DIR/console-secret.key"
    if [ ! -f "$key" ]; then
        if [ "$DRY" = yes ]; then
            note "would make $key, the key that signs the console's session cookies"
        else
            (umask 0027; head -c 48 /dev/urandom | base64 -w0 > "$key"; echo >> "$key")
            chown root:"$USER_NAME" "$key"
            chmod 0640 "$key"
        fi
    fi
    note "staff accounts: sudo $PREFIX/venv/bin/callboard console-user add --config"
    note "  $CONFIG_DIR/callboard.toml NAME --counter 2   (or --manager)"
    note "it listens on [console] listen (loopback): publish it through the branch's TLS proxy"
}

uninstall() {
    say "stopping and removing the services"
    for unit in callboard callboard-queue callboard-kiosk callboard-console; do
        if systemctl list-unit-files "$unit.service" >/dev/null 2>&1; then
            run systemctl disable --now "$unit.service" || true
        fi
        run rm -f "$UNIT_DIR/$unit.service"
    done
    run systemctl daemon-reload || true
    run rm -rf "$PREFIX"
    uninstall_asound
    if [ "$PURGE" = yes ]; then
        say "removing the configuration, the state and the user"
        run rm -rf "$CONFIG_DIR" "$STATE_DIR"
        if id "$USER_NAME" >/dev/null 2>&1; then run userdel "$USER_NAME"; fi
    else
        say "kept $CONFIG_DIR and $STATE_DIR (the day's queue); --purge removes them"
    fi
}

main() {
    parse_args "$@"
    if [ "$DRY" = no ] && [ "$(id -u)" -ne 0 ]; then
        echo "please run as root: sudo bash $0 $*" >&2
        exit 1
    fi
    if [ "$UNINSTALL" = yes ]; then
        uninstall
        return 0
    fi
    install_packages
    install_user
    install_python
    install_config
    install_broker
    install_console
    install_asound
    install_services
    say "done: journalctl -u callboard -f shows what the screen does; callboard doctor checks it"
}

# Sourced (by the tests), it only defines the steps.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
