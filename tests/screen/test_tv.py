"""The TV's day in the real screen loop: a fake ``cec-ctl`` first on the PATH records what is
sent, a clock the test steps says when, and the real surface (SDL's dummy driver) shows
whether the board is drawn or black."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, Config, load_config
from lobby.contract import parse_call
from screen import cec
from screen.tv import RETRY_FIRST_S, TvPower, tv_schedule
from tests import payloads
from tests.payloads import dumps
from tests.screen.fake_cec import CLAIM, HOURS, ON, STANDBY, FakeCecCtl
from tests.screen.fakes import Harness, StepClock

CST = timezone(timedelta(hours=8))


def lobby(tmp_path: Path, tv_power: str, device: Path | str, hours: str = HOURS) -> Config:
    """The example lobby with these hours, its TV on 15 minutes before and off 30 after."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for key, value in (("tv_power", tv_power), ("cec_device", str(device))):
        text = re.sub(rf'^{key} = "[^"]*"', f'{key} = "{value}"', text, count=1, flags=re.M)
    path = tmp_path / "lobby.toml"
    path.write_text(text + hours, encoding="utf-8")
    config = load_config(path)
    assert (config.display.tv_on_before_min, config.display.tv_off_after_min) == (15, 30)
    return config


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCecCtl:
    found = FakeCecCtl(tmp_path / "bin")
    monkeypatch.setenv("PATH", found.path)
    return found


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def at(wall: datetime, tv_power: str, device: Path | str, hours: str = HOURS) -> Harness:
        harness = Harness(lobby(tmp_path, tv_power, device, hours), StepClock(wall))
        made.append(harness)
        return harness

    yield at
    for harness in made:
        harness.close()


def until(screen: Harness, done: Callable[[], bool], within_s: float = 5.0) -> None:
    """Run the loop (real time passes for cec-ctl's thread, not on the lobby's clock)."""
    give_up = time.monotonic() + within_s
    while not done():
        assert time.monotonic() < give_up, "the TV's request did not come back"
        screen.daemon.step(wait=0.02)
    screen.daemon.step(wait=0)


def to(screen: Harness, wall: datetime) -> None:
    """Move the lobby's clock to ``wall`` in minute steps, as the loop would see it, then
    let any request this sent to the TV come back."""
    while screen.clock.wall() < wall:
        screen.clock.step(min(60.0, (wall - screen.clock.wall()).total_seconds()))
        screen.daemon.step(wait=0)
    until(screen, lambda: not screen_busy(screen))


def settled(screen: Harness, fake: FakeCecCtl, count: int) -> list[str]:
    until(screen, lambda: len(fake.calls()) >= count and not screen_busy(screen))
    return fake.calls()


def screen_busy(screen: Harness) -> bool:
    """A request is on its way to the TV."""
    tv = next(p for p in screen.daemon.router.parts if isinstance(p, TvPower))
    return bool(tv.asking)


def black(screen: Harness) -> bool:
    surface = screen.daemon.frames.screen.surface
    return pygame.mask.from_threshold(surface, (0, 0, 0), (1, 1, 1, 255)).count() == (
        surface.get_width() * surface.get_height()
    )


def call(screen: Harness, ticket: str, counter: str, call_id: str) -> object:
    """A call made now by the lobby's clock."""
    made = screen.clock.wall().isoformat(timespec="seconds")
    return parse_call(dumps(payloads.call(ticket, counter, call_id, ts=made)))


def test_on_before_opening_again_at_each_opening_and_standby_after_closing(
    fake: FakeCecCtl, start: Callable[..., Harness]
) -> None:
    monday = datetime(2026, 12, 21, 8, 0, tzinfo=CST)
    screen = start(monday, "auto", fake.device)
    screen.settle()
    assert settled(screen, fake, 2) == [CLAIM, *STANDBY]  # 08:00: asleep until 08:15
    assert fake.tv == "standby" and black(screen)
    to(screen, monday.replace(minute=14))
    assert fake.calls() == [CLAIM, *STANDBY]
    to(screen, monday.replace(minute=15))
    assert settled(screen, fake, 4)[2:] == ON and fake.tv == "on" and not black(screen)
    to(screen, monday.replace(minute=30))  # opening: on again (the remote may have been used)
    assert settled(screen, fake, 6)[4:] == ON
    to(screen, monday.replace(hour=13, minute=29))  # the lunch break keeps the TV on
    assert len(fake.calls()) == 6
    to(screen, monday.replace(hour=13, minute=30))
    assert settled(screen, fake, 8)[6:] == ON
    to(screen, monday.replace(hour=17, minute=29))
    assert len(fake.calls()) == 8 and not black(screen)
    to(screen, monday.replace(hour=17, minute=30))
    assert settled(screen, fake, 9)[8:] == STANDBY and fake.tv == "standby" and black(screen)
    assert screen.link.figures["tv"] == "standby" and not screen.link.figures["faults"]


def test_a_holiday_and_a_sunday_stay_off(fake: FakeCecCtl, start: Callable[..., Harness]) -> None:
    christmas = datetime(2026, 12, 25, 7, 0, tzinfo=CST)  # a Friday, closed
    screen = start(christmas, "cec", fake.device)
    screen.settle()
    assert settled(screen, fake, 2) == [CLAIM, *STANDBY]
    to(screen, christmas + timedelta(hours=14))
    assert fake.calls() == [CLAIM, *STANDBY] and black(screen)
    to(screen, datetime(2026, 12, 26, 8, 45, tzinfo=CST))  # Saturday opens at 09:00
    assert settled(screen, fake, 4)[2:] == ON
    to(screen, datetime(2026, 12, 26, 12, 30, tzinfo=CST))
    assert settled(screen, fake, 7)[6:] == STANDBY
    to(screen, datetime(2026, 12, 27, 22, 0, tzinfo=CST))  # the whole Sunday
    assert len(fake.calls()) == 7 and black(screen)


def test_a_failing_cec_ctl_is_a_fault_the_board_goes_dark_and_retries_back_off(
    fake: FakeCecCtl, start: Callable[..., Harness]
) -> None:
    fake.tv = "fail"
    evening = datetime(2026, 12, 21, 20, 0, tzinfo=CST)
    screen = start(evening, "cec", fake.device)
    screen.settle()
    assert settled(screen, fake, 1) == [CLAIM]
    assert black(screen)
    (fault,) = screen.link.figures["faults"]
    assert fault.startswith("TV standby through CEC failed: cec-ctl --playback")
    assert fault.endswith("the board is dark instead")
    to(screen, evening + timedelta(seconds=RETRY_FIRST_S - 1))
    assert len(fake.calls()) == 1  # not a storm
    screen.clock.step(1)
    assert settled(screen, fake, 2) == [CLAIM, CLAIM]
    to(screen, screen.clock.wall() + timedelta(seconds=RETRY_FIRST_S * 2 - 1))
    assert len(fake.calls()) == 2  # the second wait is twice as long
    fake.tv = "on"  # someone fixed it
    screen.clock.step(1)
    assert settled(screen, fake, 4) == [CLAIM, CLAIM, CLAIM, *STANDBY]
    assert fake.tv == "standby" and screen.link.figures["faults"] == []


def test_a_tv_that_does_not_answer_is_a_fault(
    fake: FakeCecCtl, start: Callable[..., Harness]
) -> None:
    fake.tv = "silent"
    screen = start(datetime(2026, 12, 21, 20, 0, tzinfo=CST), "auto", fake.device)
    screen.settle()
    settled(screen, fake, 2)
    (fault,) = screen.link.figures["faults"]
    assert "the TV did not answer (is CEC switched on in the TV's menu?)" in fault
    assert black(screen)


def test_a_slow_cec_ctl_never_stalls_the_board(
    fake: FakeCecCtl, start: Callable[..., Harness], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cec, "CEC_TIMEOUT_S", 1.0)
    fake.tv = "slow"
    screen = start(datetime(2026, 12, 21, 10, 0, tzinfo=CST), "cec", fake.device)
    screen.settle()
    until(screen, lambda: len(fake.calls()) == 1)  # cec-ctl hangs from here on
    for i in range(5):
        screen.put(call(screen, f"A00{i}", "3", f"c-{i}"))
        screen.settle()
        assert screen.drawn("hero")[1] == f"A00{i}"
    assert screen_busy(screen)  # five calls drawn while cec-ctl still hangs
    assert screen.link.acks() == [f"c-{i}" for i in range(5)]
    until(screen, lambda: bool(screen.link.figures["faults"]))
    assert "did not finish within 1 s; tried again" in screen.link.figures["faults"][0]


def test_the_blank_frame_is_black_and_the_board_comes_back(
    fake: FakeCecCtl, start: Callable[..., Harness], tmp_path: Path
) -> None:
    evening = datetime(2026, 12, 21, 17, 29, tzinfo=CST)
    screen = start(evening - timedelta(minutes=40), "blank", fake.device)
    screen.put(call(screen, "A023", "3", "c-1"))  # the last call of the day, at 16:49
    screen.settle()
    to(screen, evening)
    assert not black(screen)
    frames = screen.daemon.frames.frames
    to(screen, evening + timedelta(minutes=1))
    assert black(screen)
    pygame.image.save(screen.daemon.frames.screen.surface, str(tmp_path / "dark.png"))
    to(screen, evening + timedelta(hours=3))  # the clock's minute would redraw: not now
    assert screen.daemon.frames.frames == frames and black(screen)
    assert screen.daemon.router.next_wake(screen.clock.now) < float("inf")
    to(screen, datetime(2026, 12, 22, 8, 15, tzinfo=CST))
    assert not black(screen) and screen.daemon.frames.frames > frames
    hero = screen.daemon.frames.screen.surface.subsurface(screen.daemon.frames.painter.layout.hero)
    assert pygame.mask.from_threshold(hero, (0, 0, 0), (1, 1, 1, 255)).count() == 0  # all of it
    pygame.image.save(screen.daemon.frames.screen.surface, str(tmp_path / "back.png"))
    assert "08:15" in screen.drawn("header")
    assert fake.calls() == []  # "blank" never talks to the TV


def test_a_call_after_hours_lights_the_board_until_staff_are_done(
    fake: FakeCecCtl, start: Callable[..., Harness]
) -> None:
    evening = datetime(2026, 12, 21, 18, 0, tzinfo=CST)
    screen = start(evening, "blank", fake.device)
    screen.settle()
    assert black(screen)
    screen.put(call(screen, "A077", "2", "c-late"))
    screen.settle()
    # The closed page lights up with the call on it (display/closed.py: small, not spoken).
    assert not black(screen)
    assert screen.drawn("hero")[1] == "Now calling A077 · Please go to Counter 2"
    assert screen.link.acks() == ["c-late"]  # shown, so acknowledged
    to(screen, evening + timedelta(minutes=29))
    assert not black(screen)
    to(screen, evening + timedelta(minutes=31))
    assert black(screen)


def test_without_opening_hours_the_tv_is_left_alone(
    fake: FakeCecCtl, start: Callable[..., Harness]
) -> None:
    screen = start(datetime(2026, 12, 21, 3, 0, tzinfo=CST), "cec", fake.device, hours="")
    screen.settle()
    to(screen, datetime(2026, 12, 21, 5, 0, tzinfo=CST))
    time.sleep(0.2)
    screen.daemon.step(wait=0)
    assert fake.calls() == [] and not black(screen)
    assert screen.link.figures["tv_power"] == "none"


def test_the_window_spans_midnight_for_a_lobby_open_till_midnight(tmp_path: Path) -> None:
    config = lobby(tmp_path, "blank", "/dev/cec0", HOURS.replace('sun = ""', 'sun = "20:00-24:00"'))
    before, after = timedelta(minutes=15), timedelta(minutes=30)
    sunday_late = datetime(2026, 12, 27, 23, 59, tzinfo=CST)
    wanted, _, upcoming = tv_schedule(config.hours, sunday_late, before, after)
    assert wanted and upcoming == datetime(2026, 12, 28, 0, 30, tzinfo=CST)
    monday = datetime(2026, 12, 28, 0, 29, tzinfo=CST)
    assert tv_schedule(config.hours, monday, before, after)[0]
    wanted, _, upcoming = tv_schedule(config.hours, monday.replace(minute=30), before, after)
    assert not wanted and upcoming == datetime(2026, 12, 28, 8, 15, tzinfo=CST)
