"""The command line as a technician uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pygame

from config import EXAMPLE, load_config
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import parse_board
from tests import payloads
from tests.conftest import TICKET_ALPHABET, ocr_line, run_cli
from tests.payloads import dumps

CALLS = [("c3", "A023", "3", "general"), ("c2", "C105", "4", "consult"), ("c1", "V002", "1", "vip")]


def snapshot_payload() -> dict:
    calls = [
        {"id": i, "ticket": t, "counter": c, "service": s, "ts": payloads.TS}
        for i, t, c, s in CALLS
    ]
    return payloads.board(5512, calls, waiting={"general": 7, "consult": 2, "vip": 0})


def test_render_draws_a_snapshot_whose_tickets_a_person_can_read(tmp_path: Path) -> None:
    board = tmp_path / "board.json"
    board.write_text(json.dumps(snapshot_payload()))
    out = tmp_path / "board.png"
    result = run_cli(
        "render",
        "--config",
        str(EXAMPLE),
        "--board",
        str(board),
        "--out",
        str(out),
        "--time",
        "2026-11-25T10:15",
    )
    assert result.returncode == 0, result.stderr
    image = pygame.image.load(str(out))
    assert image.get_size() == (1920, 1080)
    # Where the board puts them: the same layout code, painted off-screen.
    state = BoardState()
    state.apply_snapshot(parse_board(dumps(snapshot_payload())))
    painter = BoardPainter(load_config(EXAMPLE), TextCache(find_fonts()), (1920, 1080))
    painter.paint(pygame.Surface((1920, 1080)), Frame(state, 0.0, _wall()))
    hero = dict(painter.drawn["hero"])
    recent = dict(painter.drawn["recent"])
    assert ocr_line(image, hero["A023"], TICKET_ALPHABET) == "A023"
    assert ocr_line(image, recent["C105"], TICKET_ALPHABET) == "C105"
    assert ocr_line(image, recent["V002"], TICKET_ALPHABET) == "V002"
    assert hero["A023"].height > 200


def test_render_takes_other_sizes(tmp_path: Path) -> None:
    out = tmp_path / "portrait.png"
    result = run_cli("render", "--config", str(EXAMPLE), "--out", str(out), "--size", "1080x1920")
    assert result.returncode == 0, result.stderr
    assert pygame.image.load(str(out)).get_size() == (1080, 1920)


def test_render_refuses_a_bad_snapshot_in_one_line(tmp_path: Path) -> None:
    board = tmp_path / "board.json"
    board.write_text(json.dumps(payloads.board(seq="x")))
    result = run_cli(
        "render", "--config", str(EXAMPLE), "--board", str(board), "--out", str(tmp_path / "x.png")
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"{board}: not a BoardSnapshot: field 'seq' is a string, "
        "expected an integer"
    )
    assert not (tmp_path / "x.png").exists()


def test_bad_arguments_are_usage_errors_not_tracebacks(tmp_path: Path) -> None:
    result = run_cli("render", "--config", str(EXAMPLE), "--out", "x.png", "--size", "big")
    assert result.returncode == 2 and "is not a size like 1920x1080" in result.stderr
    assert "Traceback" not in result.stderr


def _wall():
    from datetime import datetime

    return datetime(2026, 11, 25, 10, 15).astimezone()


def test_say_writes_the_whole_announcement_as_it_would_be_played(tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_cli(
        "say",
        "--config",
        str(EXAMPLE),
        "--ticket",
        "A023",
        "--counter",
        "3",
        "--out",
        str(out),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    from audio.pcm import RATE, read_wav, rms_dbfs

    pcm = read_wav(out)
    seconds = len(pcm) / (RATE * 2)
    assert 8 < seconds < 30, seconds  # chime, Mandarin and English, twice
    assert -30 < rms_dbfs(pcm) < -12
    assert rms_dbfs(pcm[: int(0.2 * RATE) * 2]) > -30  # the chime is there from the start
    assert f"wrote {out}: {seconds:.2f} s" in result.stdout
    run_cli(
        "say",
        "--config",
        str(EXAMPLE),
        "--ticket",
        "A023",
        "--counter",
        "3",
        "--out",
        str(tmp_path / "b.wav"),
        env=env,
    )
    assert read_wav(tmp_path / "b.wav") == pcm  # from the clip cache: the same sound


def test_a_counters_quiet_chime_is_the_chime_alone(tmp_path: Path) -> None:
    """The counter screen's chime (README: enabled, no languages, a low volume): what the
    customer at the counter hears is the chime, half a second, no words (the volume is the
    player's, tested with the mixer in tests/audio)."""
    from audio.pcm import RATE, read_wav, rms_dbfs

    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('languages = ["zh", "en"]    # spoken', "languages = []    # spoken", 1)
    text = text.replace("[display]\n", '[display]\nlayout = "counter"\ncounter = "3"\n', 1)
    path, out = tmp_path / "counter.toml", tmp_path / "chime.wav"
    path.write_text(text.replace("volume = 0.8 ", "volume = 0.3 ", 1), encoding="utf-8")
    result = run_cli("say", "--config", str(path), "--ticket", "A023", "--counter", "3", "--out",
                     str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "the chime alone" in result.stdout
    pcm = read_wav(out)
    seconds = len(pcm) / (RATE * 2)
    assert 0.3 < seconds < 1.0, seconds  # the chime, no words, said once
    assert rms_dbfs(pcm) > -30  # it is there
    config = load_config(path)
    assert (config.display.layout, config.audio.languages) == ("counter", ())
    assert config.audio.volume_at("10:00") == 0.3


def test_say_refuses_a_ticket_that_is_not_one(tmp_path: Path) -> None:
    result = run_cli(
        "say",
        "--config",
        str(EXAMPLE),
        "--ticket",
        "a-23",
        "--counter",
        "3",
        "--out",
        str(tmp_path / "x.wav"),
    )
    assert result.returncode == 2 and "field 'ticket'" in result.stderr
