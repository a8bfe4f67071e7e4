"""The installer and the units, as far as a machine without systemd as PID 1 allows.

Its steps are shell functions: the tests run the whole script with ``--dry-run``, and
source it to run single steps on files in a temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from config import load_config

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "systemd" / "install.sh"
UNITS = [
    ROOT / "systemd" / "callboard.service",
    ROOT / "systemd" / "callboard-queue.service",
    ROOT / "systemd" / "callboard-kiosk.service",
]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALL), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def step(script: str) -> subprocess.CompletedProcess[str]:
    """Source the installer (which then only defines its steps) and run SCRIPT after it."""
    return subprocess.run(
        ["bash", "-c", f'source "{INSTALL}"\n{script}'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def fake_system(tmp_path: Path, groups: list[str], member_of: list[str] | None) -> dict[str, str]:
    """A PATH whose ``getent`` knows only GROUPS and whose ``id`` knows the user callboard
    only when MEMBER_OF is given (its groups); everything else is the real machine's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    known = " ".join(groups)
    (bin_dir / "getent").write_text(
        f'#!/bin/sh\ncase " {known} " in *" $2 "*) echo "$2:x:900:" ;; *) exit 2 ;; esac\n'
    )
    if member_of is None:
        user = 'case "$1" in -u) echo 0 ;; *) exit 1 ;; esac\n'
    else:
        names = " ".join(["callboard", *member_of])
        user = f'case "$1" in -u) echo 0 ;; -nG) echo "{names}" ;; *) echo "uid=990" ;; esac\n'
    (bin_dir / "id").write_text("#!/bin/sh\n" + user)
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def unit_settings(unit: Path, key: str) -> list[str]:
    return [
        value
        for line in unit.read_text().splitlines()
        if line.startswith(f"{key}=")
        for value in line.split("=", 1)[1].split()
    ]


def test_the_installer_shows_every_step_without_changing_anything() -> None:
    result = run("--dry-run", "--with-broker", "--queue", "--audio", "jack")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in (
        "the user callboard",
        "the Python environment in /opt/callboard/venv",
        "the configuration in /etc/callboard",
        "mosquitto on this Pi",
        "would install the example config as /etc/callboard/callboard.toml, as it is",
        "systemctl enable callboard.service",
        "systemctl enable callboard-queue.service",
        "callboard check-config /etc/callboard/callboard.toml",
    ):
        assert step in out, step
    assert not Path("/opt/callboard").exists()
    whole_lobby = run("--dry-run", "--with-broker").stdout
    assert "/etc/callboard/callboard.toml, with [queue] embedded = true" in whole_lobby


def test_the_uninstaller_keeps_the_config_and_state_unless_purged() -> None:
    kept = run("--uninstall", "--dry-run")
    assert kept.returncode == 0 and "kept /etc/callboard and /var/lib/callboard" in kept.stdout
    purged = run("--uninstall", "--purge", "--dry-run")
    assert "rm -rf /etc/callboard /var/lib/callboard" in purged.stdout


def test_a_ticket_machine_runs_the_kiosk_instead_of_the_board() -> None:
    result = run("--kiosk", "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "systemctl enable callboard-kiosk.service" in out
    assert "systemctl enable callboard.service" not in out
    assert "systemctl restart callboard-kiosk.service" in out


def test_bad_options_are_usage_errors() -> None:
    assert run("--audio", "radio", "--dry-run").returncode == 64
    assert run("--frobnicate").returncode == 64


@pytest.mark.parametrize(
    ("unit", "ceiling"),
    [
        ("callboard", 4.0),
        ("callboard-queue", 2.5),
        ("callboard-kiosk", 4.0),
        ("callboard-collect", 2.5),
    ],
)
def test_units_are_hardened(unit: str, ceiling: float) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    result = subprocess.run(
        [analyze, "security", "--offline=true", str(ROOT / "systemd" / f"{unit}.service")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = next(x for x in result.stdout.splitlines() if "Overall exposure level" in x)
    exposure = float(line.split(":")[1].split()[0])
    assert exposure <= ceiling, line
    text = (ROOT / "systemd" / f"{unit}.service").read_text()
    for needed in (
        "Type=notify",
        "WatchdogSec=",
        "Restart=always",
        "StartLimitIntervalSec=0",
        "User=callboard",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ):
        assert needed in text, needed


def test_every_group_a_unit_names_is_created_by_the_installer(tmp_path: Path) -> None:
    """A group the unit names that the system lacks keeps systemd from starting it
    (status 216/GROUP): on a bare Debian 12, with no callboard user and none of the
    device groups, each group must come from the installer."""
    out = run("--dry-run", env=fake_system(tmp_path, groups=[], member_of=None)).stdout
    created = set(re.findall(r"would run: groupadd .*?(\S+)$", out, re.MULTILINE))
    useradd = re.search(r"would run: useradd (.*) (\S+)$", out, re.MULTILINE)
    assert useradd is not None, out
    user = useradd.group(2)
    if "--user-group" in useradd.group(1):
        created.add(user)
    for unit in UNITS:
        assert unit_settings(unit, "User") == [user], unit.name
        named = unit_settings(unit, "Group") + unit_settings(unit, "SupplementaryGroups")
        assert set(named) <= created, (unit.name, named, created)
    for group in ("video", "render", "input", "audio", "gpio"):
        assert f"no group {group} here" in out


def test_the_user_joins_the_device_groups_there_are_once(tmp_path: Path) -> None:
    system = fake_system(tmp_path, groups=["video", "audio", "gpio"], member_of=["video"])
    out = run("--dry-run", env=system).stdout
    assert "useradd" not in out
    joins = re.findall(r"would run: usermod -aG (\S+) callboard", out)
    assert joins == ["audio", "gpio"]  # not video again; render and input are not here
    assert "no group render here" in out and "no group input here" in out


def test_units_verify() -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    for unit in UNITS:
        text = unit.read_text()
        # verify checks that ExecStart exists; the venv is not installed on this machine.
        assert "ExecStart=/opt/callboard/venv/bin/callboard " in text
        copy = Path(os.environ.get("TMPDIR", "/tmp")) / f"verify-{os.getpid()}" / unit.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_text(text.replace("/opt/callboard/venv/bin/callboard", "/bin/true"))
        result = subprocess.run(
            [analyze, "verify", "--man=no", "--generators=no", str(copy)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(copy.parent)
        assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def asound_step(tmp_path: Path, action: str, audio: str = "hdmi") -> str:
    result = step(
        f'DRY=no AUDIO={audio} ASOUND="{tmp_path}/asound.conf" '
        f'ASOUND_BACKUP="{tmp_path}/asound.conf.before-callboard"\n{action}'
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_asound_conf_is_backed_up_once_and_put_back_on_uninstall(tmp_path: Path) -> None:
    asound, backup = tmp_path / "asound.conf", tmp_path / "asound.conf.before-callboard"
    system = "pcm.!default { type hw card 1 }\n"
    asound.write_text(system)
    assert "keeping the system's" in asound_step(tmp_path, "install_asound")
    assert backup.read_text() == system
    assert "defaults.pcm.card vc4hdmi0" in asound.read_text()
    # Again, and then to the jack: the first backup stays the system's own file.
    assert len(asound_step(tmp_path, "install_asound").splitlines()) == 1  # the heading only
    asound_step(tmp_path, "install_asound", audio="jack")
    assert "defaults.pcm.card Headphones" in asound.read_text()
    assert backup.read_text() == system
    asound_step(tmp_path, "uninstall_asound")
    assert asound.read_text() == system and not backup.exists()


def test_asound_conf_needs_no_backup_when_there_was_none_or_it_is_ours(tmp_path: Path) -> None:
    asound, backup = tmp_path / "asound.conf", tmp_path / "asound.conf.before-callboard"
    asound_step(tmp_path, "install_asound")
    assert asound.exists() and not backup.exists()
    asound_step(tmp_path, "uninstall_asound")
    assert not asound.exists()


def test_an_asound_conf_changed_by_hand_after_install_is_left_alone(tmp_path: Path) -> None:
    asound, backup = tmp_path / "asound.conf", tmp_path / "asound.conf.before-callboard"
    backup.write_text("the system's\n")
    asound.write_text("the technician's own\n")
    out = asound_step(tmp_path, "install_asound", audio="jack")
    assert "left as it is" in out
    assert asound.read_text() == "the technician's own\n"
    assert backup.read_text() == "the system's\n"
    asound_step(tmp_path, "uninstall_asound")  # not ours now: both stay
    assert asound.read_text() == "the technician's own\n" and backup.exists()


@pytest.mark.parametrize(
    ("options", "embedded"),
    [("WITH_BROKER=yes", True), ("WITH_BROKER=yes QUEUE=yes", False), ("", False)],
)
def test_a_whole_lobby_pi_starts_with_the_embedded_engine(
    tmp_path: Path, options: str, embedded: bool
) -> None:
    result = step(f"{options}\nexample_config")
    assert result.returncode == 0, result.stderr
    (tmp_path / "callboard.toml").write_text(result.stdout, encoding="utf-8")
    assert load_config(tmp_path / "callboard.toml").queue.embedded is embedded


@pytest.mark.skipif(os.geteuid() != 0, reason="install -o needs root")
def test_the_config_step_installs_the_whole_lobby_config_once(tmp_path: Path) -> None:
    folders = f'CONFIG_DIR="{tmp_path}/etc" STATE_DIR="{tmp_path}/state" USER_NAME=root'
    result = step(f"DRY=no WITH_BROKER=yes {folders}\ninstall_config")
    assert result.returncode == 0, result.stderr
    installed = tmp_path / "etc" / "callboard.toml"
    assert load_config(installed).queue.embedded is True
    assert oct(installed.stat().st_mode & 0o777) == "0o640"
    installed.write_text(installed.read_text().replace("embedded = true", "embedded = false"))
    again = step(f"DRY=no WITH_BROKER=yes {folders}\ninstall_config")
    assert "embedded = true" in again.stdout  # the edit, shown
    assert load_config(installed).queue.embedded is False  # and not made


def test_an_existing_config_is_not_edited_but_the_edit_is_shown(tmp_path: Path) -> None:
    config = tmp_path / "callboard.toml"
    config.write_text((ROOT / "config" / "lobby.toml").read_text(encoding="utf-8"))
    before = config.read_bytes()
    shown = step(f'WITH_BROKER=yes\ncheck_embedded "{config}"').stdout
    assert "set in its [queue] section:  embedded = true" in shown
    assert step(f'check_embedded "{config}"').stdout == ""  # a screen of a central broker
    assert config.read_bytes() == before
    config.write_text(config.read_text().replace("embedded = false", "embedded = true"))
    assert step(f'WITH_BROKER=yes\ncheck_embedded "{config}"').stdout == ""
    assert "embedded = false" in step(f'QUEUE=yes\ncheck_embedded "{config}"').stdout


def console_step(boot: Path) -> str:
    result = step(
        f'DRY=no CMDLINE="{boot}/firmware/cmdline.txt" CMDLINE_OLD="{boot}/cmdline.txt"\n'
        "install_console"
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


PI_CMDLINE = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootwait quiet\n"


def test_the_console_never_blanks_the_board_once_installed(tmp_path: Path) -> None:
    cmdline = tmp_path / "firmware" / "cmdline.txt"
    cmdline.parent.mkdir()
    cmdline.write_text(PI_CMDLINE)
    assert "keeping" in console_step(tmp_path)
    want = PI_CMDLINE.strip() + " consoleblank=0 vt.global_cursor_default=0\n"
    assert cmdline.read_text() == want  # one line still: the kernel reads only the first
    assert (tmp_path / "firmware" / "cmdline.txt.before-callboard").read_text() == PI_CMDLINE
    assert len(console_step(tmp_path).splitlines()) == 1  # again: the heading only, no change
    assert cmdline.read_text() == want


def test_a_blanking_time_already_set_is_changed_and_the_first_backup_kept(tmp_path: Path) -> None:
    old = tmp_path / "cmdline.txt"  # an image from before Bookworm: no /boot/firmware
    old.write_text("root=/dev/mmcblk0p2 consoleblank=600 rootwait\n")
    console_step(tmp_path)
    assert (
        old.read_text()
        == "root=/dev/mmcblk0p2 consoleblank=0 rootwait vt.global_cursor_default=0\n"
    )
    old.write_text(old.read_text().replace("consoleblank=0", "consoleblank=300"))  # by hand
    console_step(tmp_path)
    assert "consoleblank=0 " in old.read_text() and "300" not in old.read_text()
    backup = tmp_path / "cmdline.txt.before-callboard"
    assert backup.read_text() == "root=/dev/mmcblk0p2 consoleblank=600 rootwait\n"
    assert "add consoleblank=0" in console_step(tmp_path / "nowhere")


def test_the_board_may_reach_the_cec_device_and_its_tools_are_installed() -> None:
    assert "\nDeviceAllow=char-cec rw\n" in UNITS[0].read_text()
    assert "v4l-utils" in INSTALL.read_text()
    assert "v4l-utils" in (ROOT / "scripts" / "dev.sh").read_text().split("RUNTIME_PACKAGES=")[1]
