"""``callboard render --layout counter``: a counter's page as a PNG, from a CounterState."""

from __future__ import annotations

from pathlib import Path

import pygame

from config import EXAMPLE
from tests.conftest import ROOT, ocr_line, readings, run_cli


def test_render_draws_a_counters_page_from_its_state(tmp_path: Path) -> None:
    out = tmp_path / "counter.png"
    state = ROOT / "docs" / "examples" / "counter-serving.json"
    args = ["--config", str(EXAMPLE), "--layout", "counter", "--counter", "3"]
    done = run_cli("render", *args, "--state", str(state), "--size", "800x480", "--out", str(out))
    assert done.returncode == 0, done.stderr
    image = pygame.image.load(str(out))
    assert image.get_size() == (800, 480)
    middle = pygame.Rect(150, 150, 500, 180)  # the ticket, large, in the middle of the page
    assert "A023" in readings(image, middle, "A023")
    closed = tmp_path / "closed.png"
    paused = ROOT / "docs" / "examples" / "counter-paused.json"
    done = run_cli("render", *args, "--state", str(paused), "--out", str(closed))
    assert done.returncode == 0, done.stderr
    assert ocr_line(pygame.image.load(str(closed)), pygame.Rect(250, 205, 300, 55)) == "Closed"


def test_render_names_the_counters_when_it_is_not_told_which(tmp_path: Path) -> None:
    args = ["--config", str(EXAMPLE), "--layout", "counter", "--out", str(tmp_path / "x.png")]
    done = run_cli("render", *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        == "which counter? --counter one of 1, 2, 3, 4, 5, 6 (or [display] counter)"
    )
    state = tmp_path / "state.json"
    state.write_text('{"v":1,"counter":"4","ticket":null,"waiting":0,"ts":"2026-11-25T10:15:00Z"}')
    done = run_cli("render", *args, "--counter", "3", "--state", str(state))
    assert done.returncode == 2 and "not a CounterState" in done.stderr
