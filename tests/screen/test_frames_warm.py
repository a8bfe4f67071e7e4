"""The frames part warms the first call's text in slices after the first frame, and a call
that comes meanwhile is shown at the next pass, not after all of it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from config import EXAMPLE, Config, load_config
from lobby.contract import parse_call
from tests import payloads
from tests.payloads import dumps
from tests.screen.fakes import Harness


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


@pytest.fixture
def screen(config: Config) -> Iterator[Harness]:
    harness = Harness(config)
    yield harness
    harness.close()


def test_the_loop_comes_back_at_once_while_warming_then_sleeps(
    screen: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    frames = screen.daemon.frames
    assert frames.frames == 1  # the welcome board is up before any warming
    assert frames.next_change() == 0.0  # slices left: wake again at once
    caplog.set_level(logging.INFO, logger="screen.frames")
    passes = 0
    while frames.next_change() == 0.0 and passes < 200:
        screen.daemon.step(wait=0)
        passes += 1
    assert 10 < passes < 200
    assert frames.next_change() > screen.clock.monotonic()  # asleep until the minute or so
    assert "the first call's text is ready" in caplog.text


def test_a_call_during_warming_is_shown_at_the_next_pass(screen: Harness) -> None:
    screen.daemon.step(wait=0)
    screen.put(parse_call(dumps(payloads.call("A023", "3", "c-1"))))
    screen.daemon.step(wait=0)
    assert "A023" in screen.drawn("hero")
    assert screen.link.acks() == ["c-1"]
    assert screen.daemon.frames.next_change() == 0.0  # and the warming goes on after it
