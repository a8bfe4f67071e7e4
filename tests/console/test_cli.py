"""`callboard console-user` and `callboard console` as a technician types them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli
from tests.console.conftest import write_console_config


def users(config: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    extra = ["--password-stdin"] if password is not None else []
    return subprocess.run(
        [sys.executable, "-m", "callboard", "console-user", *args, "--config", str(config), *extra],
        input=(password or "") + "\n", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_accounts_are_added_listed_and_removed(tmp_path: Path) -> None:
    config = write_console_config(tmp_path, "hz-main", 1883)
    assert users(config, "add", "li.wei", "--counter", "2", "--counter", "3",
                 password="a-long-pass").returncode == 0  # fmt: skip
    assert users(config, "add", "zhao", "--manager", password="another-pass").returncode == 0
    listed = users(config, "list")
    assert listed.stdout.splitlines() == ["li.wei\tteller\t2, 3", "zhao\tmanager\tno counters"]
    stored = json.loads((tmp_path / "console-users.json").read_text())
    assert stored["staff"][0]["hash"].startswith("$argon2id$")
    assert "a-long-pass" not in (tmp_path / "console-users.json").read_text()
    assert stat.S_IMODE(os.stat(tmp_path / "console-users.json").st_mode) == 0o640
    assert users(config, "remove", "zhao").returncode == 0
    assert users(config, "list").stdout.splitlines() == ["li.wei\tteller\t2, 3"]


def test_mistakes_are_one_line_each(tmp_path: Path) -> None:
    config = write_console_config(tmp_path, "hz-main", 1883)
    cases = [
        (("add", "li", "--counter", "9"), "no counter '9' in the config; expected 1, 2, 3, 4"),
        (("add", "li"), "a teller needs at least one counter (--counter ID)"),
        (("add", "Li Wei", "--counter", "2"), "'Li Wei' is not a staff name"),
        (("add", "li", "--counter", "2"), "the password is too short: at least 8 characters"),
    ]
    for args, said in cases:
        result = users(config, *args, password="short" if "short" in said else "long-enough")
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
    assert users(config, "remove", "nobody").returncode == 1
    assert "whose account?" in run_cli("console-user", "add", "--config", str(config)).stderr


def test_the_console_refuses_a_broken_config_in_one_line_per_key(tmp_path: Path) -> None:
    config = write_console_config(tmp_path, "hz-main", 1883)
    config.write_text(config.read_text().replace('listen = "127.0.0.1:', 'listen = "nowhere'))
    result = run_cli("console", "--config", str(config))
    assert result.returncode == 2
    assert "console.listen: found a string 'nowhere" in result.stderr
