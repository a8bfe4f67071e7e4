"""Each command run wrongly, as a new user would: one clear line, exit 2 for the user's
mistake, never a traceback."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from callboard.demo.broker import PrivateBroker
from config import EXAMPLE
from mqtt_client import Topics
from tests.conftest import Peer, config_text, run_cli


def refused(*args: str) -> str:
    """Run the command; it must exit 2 with no traceback. Its stderr's last line."""
    result = run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def say(out: Path | str) -> list[str]:
    return [
        "say",
        "--config",
        str(EXAMPLE),
        "--ticket",
        "A023",
        "--counter",
        "3",
        "--out",
        str(out),
    ]


def test_say_makes_the_missing_folder_it_is_told_to_write_into(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "a.wav"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_cli(*say(out), env=env)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and out.read_bytes()[:4] == b"RIFF"


def test_say_and_render_say_why_they_cannot_write_before_doing_any_work(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes")
    assert refused(*say(a_file / "a.wav")) == (
        f"{a_file / 'a.wav'}: cannot write there: {a_file} is a file, not a folder"
    )
    folder = tmp_path / "board.png"
    folder.mkdir()
    render = ["render", "--config", str(EXAMPLE), "--out"]
    assert refused(*render, str(folder)) == (
        f"{folder}: is a folder; expected the name of a file to write"
    )
    unwritable = Path("/proc/board.png")  # nobody, not even root, writes files into /proc
    assert refused(*render, str(unwritable)).startswith(f"{unwritable}: cannot write there: ")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["render", "--config", str(EXAMPLE), "--out", "board.txt"],
            "callboard render: error: argument --out: 'board.txt' is not a file name ending "
            "in .png",
        ),
        (
            ["say", "--config", str(EXAMPLE), "--ticket", "A1", "--counter", "3", "--out", "a.mp3"],
            "callboard say: error: argument --out: 'a.mp3' is not a file name ending in .wav",
        ),
        (
            ["stats", "--config", str(EXAMPLE), "--date", "2026-13-45"],
            "callboard stats: error: argument --date: '2026-13-45' is not a date like 2026-11-25",
        ),
        (
            ["stats", "--config", str(EXAMPLE), "--date", "yesterday"],
            "callboard stats: error: argument --date: 'yesterday' is not a date like 2026-11-25",
        ),
        (
            ["ticket", "--config", str(EXAMPLE), "general", "--timeout", "-1"],
            "callboard ticket: error: argument --timeout: '-1' is not a number of seconds from "
            "0.1 to 3600",
        ),
        (
            ["demo", "--interval", "0"],
            "callboard demo: error: argument --interval: '0' is not a number of seconds from 0.1 "
            "to 3600",
        ),
    ],
)
def test_arguments_that_make_no_sense_are_one_usage_line(args: list[str], line: str) -> None:
    assert refused(*args) == line


def test_a_database_that_is_not_the_queues_is_named(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    assert refused("stats", "--config", str(EXAMPLE), "--db", str(notes)) == (
        f"{notes}: not a queue database (file is not a database)"
    )
    assert refused("queue", "--config", str(EXAMPLE), "--db", str(notes)) == (
        f"{notes}: it is not an SQLite database; expected the queue's SQLite file (or a new "
        "one's name)"
    )
    inside_a_file = notes / "queue.sqlite3"
    assert refused("queue", "--config", str(EXAMPLE), "--db", str(inside_a_file)).startswith(
        f"{inside_a_file}: cannot open the queue database here: "
    )


def test_a_font_that_passes_its_checks_but_will_not_load_is_one_line(tmp_path: Path) -> None:
    font = tmp_path / "odd.ttf"  # a font's header and table directory; FreeType refuses it
    header = struct.pack(">4sHHHH4sIII", b"\0\1\0\0", 1, 16, 0, 0, b"glyf", 0, 28, 16)
    font.write_bytes(header + bytes(16))
    config = tmp_path / "c.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    config.write_text(text.replace("[display]\n", f'[display]\nfont = "{font}"\n'), "utf-8")
    result = run_cli("render", "--config", str(config), "--out", str(tmp_path / "b.png"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "could not draw the board: Failed to load font: invalid stream operation"
    )


def test_ctrl_c_while_waiting_for_a_ticket_stops_quietly(
    broker: PrivateBroker, peer: Peer, site: str, tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(config_text(site, broker.port), encoding="utf-8")
    request = Topics("callboard", site).ticket_request
    peer.subscribe(request)
    waiting = subprocess.Popen(
        [sys.executable, "-m", "callboard", "ticket", "--config", str(config), "general"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        peer.wait_for(request, timeout=20)  # it asked, and waits for an engine that is not there
        waiting.send_signal(signal.SIGINT)
        _, stderr = waiting.communicate(timeout=10)
    finally:
        waiting.kill()
    assert waiting.returncode == 130 and stderr.strip() == "stopped", stderr
