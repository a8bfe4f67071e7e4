"""The installer and the units, as far as a machine without systemd as PID 1 allows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "systemd" / "install.sh"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_installer_shows_every_step_without_changing_anything() -> None:
    result = run("--dry-run", "--with-broker", "--queue", "--audio", "jack")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in (
        "the user callboard",
        "the Python environment in /opt/callboard/venv",
        "the configuration in /etc/callboard",
        "mosquitto on this Pi",
        "systemctl enable callboard.service",
        "systemctl enable callboard-queue.service",
        "callboard check-config /etc/callboard/callboard.toml",
    ):
        assert step in out, step
    assert not Path("/opt/callboard").exists()


def test_the_uninstaller_keeps_the_config_and_state_unless_purged() -> None:
    kept = run("--uninstall", "--dry-run")
    assert kept.returncode == 0 and "kept /etc/callboard and /var/lib/callboard" in kept.stdout
    purged = run("--uninstall", "--purge", "--dry-run")
    assert "rm -rf /etc/callboard /var/lib/callboard" in purged.stdout


def test_bad_options_are_usage_errors() -> None:
    assert run("--audio", "radio", "--dry-run").returncode == 64
    assert run("--frobnicate").returncode == 64


@pytest.mark.parametrize(("unit", "ceiling"), [("callboard", 4.0), ("callboard-queue", 2.5)])
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
