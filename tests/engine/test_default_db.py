"""Where the queue lives when ``[queue] db`` does not say: the engine and ``callboard stats``
find the same file from wherever they are started, and never write to the current folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker
from config import load_config
from engine.store import default_db
from mqtt_client import Topics
from tests.conftest import Peer, config_text, run_cli


def clean_env(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STATE_DIRECTORY", "XDG_STATE_HOME")}
    return {**env, "HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1", **more}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("home", "home/.local/state/callboard/queue.sqlite3"),
        ("xdg", "xdg/callboard/queue.sqlite3"),
        ("systemd", "state/queue.sqlite3"),
    ],
)
def test_the_engine_and_stats_find_the_same_file_away_from_the_current_folder(
    tmp_path: Path, site: str, broker: PrivateBroker, peer: Peer, where: str, expected: str
) -> None:
    more = {
        "home": {},
        "xdg": {"XDG_STATE_HOME": str(tmp_path / "xdg")},
        "systemd": {"STATE_DIRECTORY": str(tmp_path / "state"), "XDG_STATE_HOME": "/nowhere"},
    }[where]
    env = clean_env(tmp_path, **more)
    config = tmp_path / "callboard.toml"
    config.write_text(config_text(site, broker.port, "pi-1"), encoding="utf-8")
    assert "db =" not in config.read_text()
    here = tmp_path / "here"
    here.mkdir()
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("pi-1-queue"))
    log = (tmp_path / "queue.log").open("wb")
    engine = subprocess.Popen(
        [sys.executable, "-m", "callboard", "queue", "--config", str(config)],
        cwd=here,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        peer.wait_for(topics.status("pi-1-queue"), lambda m: b'"online"' in m.payload, 20)
        ticket = run_cli("ticket", "--config", str(config), "general", env=env)
        assert ticket.returncode == 0, ticket.stderr
        assert ticket.stdout.startswith("A001")
    finally:
        engine.send_signal(signal.SIGTERM)
        engine.wait(15)
        log.close()
    assert (tmp_path / expected).is_file(), (tmp_path / "queue.log").read_text()
    assert list(here.iterdir()) == []  # nothing in the folder it was started from
    stats = run_cli("stats", "--config", str(config), "--csv", env=env)
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.splitlines()[1].startswith("service,general,1,")


def test_stats_says_where_it_looked_when_there_is_no_queue_yet(tmp_path: Path) -> None:
    config = tmp_path / "callboard.toml"
    config.write_text(config_text("t-empty", 1883), encoding="utf-8")
    result = run_cli("stats", "--config", str(config), env=clean_env(tmp_path))
    assert result.returncode == 1
    assert str(tmp_path / "home/.local/state/callboard/queue.sqlite3") in result.stderr


def test_a_relative_xdg_state_home_is_ignored_and_the_config_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "callboard.toml"
    path.write_text(config_text("t-db", 1883), encoding="utf-8")
    config = load_config(path)
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")
    assert default_db(config) == tmp_path / ".local/state/callboard/queue.sqlite3"
    path.write_text(
        config_text("t-db", 1883).replace("embedded = false", 'embedded = false\ndb = "/q.db"'),
        encoding="utf-8",
    )
    assert default_db(load_config(path)) == Path("/q.db")
