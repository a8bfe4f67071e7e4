"""The console as a branch deploys it: its unit, the installer's --console, the example
ACL's console user against a real mosquitto, and the cookie key."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from callboard.console_run import secret_key
from callboard.demo.broker import PrivateBroker
from tests.test_install import run, unit_settings

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "callboard-console.service"
USERS = {"console-hz-main": "w-secret", "engine-hz-main": "e-secret", "lobby-pi-1": "d-secret"}


def test_the_console_unit_is_hardened_and_verifies() -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    result = subprocess.run(
        [analyze, "security", "--offline=true", str(UNIT)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if "Overall exposure level" in x)
    assert float(line.split(":")[1].split()[0]) <= 2.0, line
    text = UNIT.read_text()
    for needed in ("Type=notify", "WatchdogSec=", "Restart=always", "NoNewPrivileges=yes"):
        assert needed in text
    assert unit_settings(UNIT, "User") == ["callboard"]
    copy = Path(os.environ.get("TMPDIR", "/tmp")) / f"verify-{uuid.uuid4().hex}" / UNIT.name
    copy.parent.mkdir()
    copy.write_text(text.replace("/opt/callboard/venv/bin/callboard", "/bin/true"))
    verified = subprocess.run(
        [analyze, "verify", "--man=no", "--generators=no", str(copy)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    shutil.rmtree(copy.parent)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr


def test_the_installer_adds_the_console_only_when_asked() -> None:
    asked = run("--dry-run", "--console").stdout
    assert "callboard-console.service /etc/systemd/system/callboard-console.service" in asked
    assert "would make /etc/callboard/console-secret.key" in asked
    assert "systemctl enable callboard-console.service" in asked
    assert "console-user add" in asked
    assert "callboard-console" not in run("--dry-run").stdout
    assert (
        "rm -f /etc/systemd/system/callboard-console.service"
        in run("--uninstall", "--dry-run").stdout
    )


def test_the_cookie_key_is_made_once_for_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "console-secret.key"
    first = secret_key(path)
    assert len(first) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(path) == first
    with pytest.raises(OSError, match=r"install\.sh --console makes it"):
        secret_key(tmp_path / "missing-folder" / "key")


class Client:
    def __init__(self, port: int, user: str) -> None:
        self.got: list[str] = []
        self.c = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                             client_id=f"{user}-{uuid.uuid4().hex[:6]}")  # fmt: skip
        self.c.username_pw_set(user, USERS[user])
        self.c.on_message = lambda _c, _u, m: self.got.append(m.topic)
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()
        time.sleep(0.2)

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[PrivateBroker]:  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("console-acl")
    passwd = work / "passwd"
    for user, password in USERS.items():
        flags = [] if passwd.exists() else ["-c"]
        subprocess.run(["mosquitto_passwd", "-b", *flags, str(passwd), user, password],
                       check=True, capture_output=True)  # fmt: skip
    passwd.chmod(0o600)
    acl = work / "acl"
    acl.write_text((ROOT / "config" / "mosquitto.acl").read_text())
    acl.chmod(0o600)
    with PrivateBroker(extra_config=f"password_file {passwd}\nacl_file {acl}\n") as broker:
        yield broker


def test_the_console_user_sends_requests_and_notices_but_never_calls(
    secured: PrivateBroker,
) -> None:
    engine = Client(secured.port, "engine-hz-main")
    console = Client(secured.port, "console-hz-main")
    display = Client(secured.port, "lobby-pi-1")  # reads calls, boards and states
    for client in (engine, console, display):
        client.c.subscribe("callboard/hz-main/#", qos=1)
    time.sleep(0.3)
    body = b'{"v":1,"id":"w-1","action":"next","ts":"2026-11-28T10:00:00+08:00"}'
    for topic in ("counter/3/request", "call", "board", "ticket/issued", "counter/3/state"):
        console.c.publish(f"callboard/hz-main/{topic}", body, qos=1)
    engine.c.publish("callboard/hz-main/counter/3/state", b"{}", qos=1)
    engine.c.publish("callboard/hz-main/ticket/issued", b"{}", qos=1)
    time.sleep(0.6)
    assert engine.got == ["callboard/hz-main/counter/3/request"]
    assert display.got == ["callboard/hz-main/counter/3/state"]  # the engine's, not the console's
    assert "callboard/hz-main/counter/3/state" in console.got  # it reads the states
    assert "callboard/hz-main/ticket/issued" not in console.got  # not what it needs
    for client in (engine, console, display):
        client.close()
