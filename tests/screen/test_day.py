"""The board through a lobby's day, in-process with a clock the test moves: the closed page
before opening, the board at the opening minute with no reload, the board still up while the
last customers are called after closing, then the closed page; a call made while closed is
shown small and never handed to the voice as something to say."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

import pytest

from config import EXAMPLE, Config, load_config
from lobby.contract import parse_board, parse_call
from lobby.hours import OpeningHours, parse_spans
from tests import payloads
from tests.payloads import dumps
from tests.screen.fakes import Harness, StepClock

WEEK = OpeningHours(
    tuple(parse_spans(t) for t in ["08:30-12:00, 13:30-17:00"] * 5 + ["09:00-12:00", ""])
)


@pytest.fixture(scope="module")
def config() -> Config:
    return dataclasses.replace(load_config(EXAMPLE), hours=WEEK)


def screen_at(config: Config, hhmm: str) -> Harness:
    hh, mm = (int(x) for x in hhmm.split(":"))
    return Harness(config, StepClock(datetime(2026, 11, 25, hh, mm).astimezone()))  # a Wednesday


@pytest.fixture
def morning(config: Config) -> Iterator[Harness]:
    harness = screen_at(config, "08:29")
    yield harness
    harness.close()


@pytest.fixture
def evening(config: Config) -> Iterator[Harness]:
    harness = screen_at(config, "16:59")
    yield harness
    harness.close()


def call(ticket: str, counter: str, call_id: str, screen: Harness):
    made = screen.clock.wall().isoformat()
    return parse_call(dumps(payloads.call(ticket, counter, call_id, ts=made)))


def board(waiting: int, seq: int):
    return parse_board(dumps(payloads.board(seq=seq, waiting={"general": waiting})))


def test_before_opening_the_closed_page_then_the_board_at_the_opening_minute(
    morning: Harness,
) -> None:
    morning.settle()
    assert morning.drawn("hero")[:4] == [
        "暂停营业",
        "We are closed now",
        "今天 08:30 开始营业",
        "We open today at 08:30",
    ]
    assert morning.drawn("recent")[0] == "营业时间  Opening hours"
    assert "星期一至星期五 08:30-12:00, 13:30-17:00" in morning.drawn("recent")
    assert morning.voice.days == ["closed"]  # silent from the start
    morning.clock.step(45)  # 08:29:45: the day part wakes the loop at the next minute
    assert morning.daemon.day.next_wake(morning.clock.now) == pytest.approx(
        morning.clock.now + 15, abs=0.05
    )
    morning.clock.step(15)  # 08:30
    morning.daemon.step(wait=0)
    assert "请取号，留意叫号屏" in morning.drawn("hero")  # the board, welcoming
    assert morning.voice.days == ["closed", "open"]
    morning.daemon.step(wait=0)
    assert morning.link.figures["lobby"] == "open"  # in the next DeviceStatus


def test_after_closing_the_last_customers_are_called_then_the_page_closes(
    evening: Harness,
) -> None:
    evening.put(board(2, 5))
    evening.settle()
    evening.clock.step(60)  # 17:00, two customers still waiting
    evening.daemon.step(wait=0)
    assert evening.voice.days == ["open", "closing"]
    assert "暂停营业" not in evening.drawn("hero")
    evening.clock.step(5 * 60)  # 17:05: a teller calls the next one, and the voice says it
    evening.put(call("A041", "2", "c-41", evening), board(1, 6))
    evening.settle()
    evening.put(call("A042", "3", "c-42", evening), board(0, 7))
    evening.settle()
    assert [c.id for c in evening.voice.announced] == ["c-41", "c-42"]
    assert "A042" in evening.drawn("hero")
    evening.clock.step(9 * 60)  # 17:14: nobody waits, but A042 may need a recall
    evening.daemon.step(wait=0)
    assert evening.voice.days[-1] == "closing"
    evening.clock.step(60)  # 17:15: ten minutes after the last call
    evening.daemon.step(wait=0)
    assert evening.voice.days[-1] == "closed"
    assert evening.drawn("hero")[:3] == ["暂停营业", "We are closed now", "明天 08:30 开始营业"]


def test_a_call_while_closed_is_shown_small_for_a_minute_and_reopens_nothing(
    morning: Harness,
) -> None:
    morning.clock.step(-30 * 60)  # 07:59: a teller tries the buttons
    morning.daemon.step(wait=0)
    morning.put(call("A001", "3", "c-try", morning))
    morning.settle()
    hero = morning.drawn("hero")
    assert "暂停营业" in hero and "正在叫号 A001 · 请到 3号窗口" in hero
    assert morning.link.acks() == ["c-try"]  # on the screen: acknowledged as shown
    assert morning.voice.days == ["closed"]  # still closed: the voice stays silent
    morning.clock.step(61)
    morning.daemon.step(wait=0)
    assert not any("A001" in line for line in morning.drawn("hero"))
