"""The rating pad as a part of ``callboard run`` (``[rating]`` on the board's Pi): the real
loop, its stepped clock and a recording link; the window's time is the loop's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from config import EXAMPLE, load_config
from lobby.contract import CounterState
from screen.messages import RatingPressed
from tests.screen.fakes import Harness

TS = datetime.fromisoformat("2026-12-01T10:00:00+08:00")


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Harness]:
    path = tmp_path / "c.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text + '\n[rating]\ncounter = "3"\nscale = 3\nwindow_s = 20\n', "utf-8")
    harness = Harness(load_config(path))
    harness.link.come_up()
    harness.settle()
    yield harness
    harness.close()


def state(ticket: str | None) -> CounterState:
    return CounterState("3", ticket, 0, TS)


def test_a_touch_after_done_is_the_ticket_s_rating_once(screen: Harness, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        screen.put(state("A023"), state(None))  # served, then done
        screen.settle()
        screen.put(RatingPressed(3), RatingPressed(1))  # the second: ignored
        screen.settle()
    ((rating,),) = screen.link.of("rating")
    assert (rating.counter, rating.ticket, rating.score, rating.scale) == ("3", "A023", 3, 3)
    assert "no part of the screen handles" not in caplog.text  # a board draws no faces


def test_the_invitation_ends_with_the_loop_s_time(screen: Harness) -> None:
    screen.put(state("A024"), state(None))
    screen.settle()
    assert screen.daemon.router.next_wake(screen.clock.now) == pytest.approx(screen.clock.now + 20)
    screen.clock.step(20.5)
    screen.put(RatingPressed(2))  # in the same pass as the time running out: too late
    screen.settle()
    assert screen.link.of("rating") == []
    assert screen.daemon.pad is not None and screen.daemon.pad.window is None
