"""The counter's screen in the real loop, one pass at a time: the retained CounterState and
its own calls drive the page, other counters' calls leave it alone, the pad's invitation
shows the faces, and a touch on a face (a pygame event, as SDL delivers it) becomes the
pad's RatingPressed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime

import pygame
import pytest

from config import EXAMPLE, Config, load_config
from lobby.contract import CounterState, parse_call
from lobby.counter_page import THANKS_S
from screen.messages import RatingClosed, RatingInvited, RatingPressed
from screen.parts import NOTHING, Part
from tests import payloads
from tests.payloads import dumps
from tests.screen.fakes import Harness

TS = datetime(2026, 11, 25, 10, 15).astimezone()


class RecordingPad(Part):
    """Keeps the faces the screen says were chosen, as the rating pad would take them."""

    handles = (RatingPressed,)

    def __init__(self) -> None:
        self.pressed: list[int] = []

    def handle(self, message: object, now: float) -> Sequence[object]:
        assert isinstance(message, RatingPressed)
        self.pressed.append(message.score)
        return NOTHING


@pytest.fixture(scope="module")
def config() -> Config:
    example = load_config(EXAMPLE)
    display = dataclasses.replace(example.display, layout="counter", counter="3")
    return dataclasses.replace(example, display=display)  # [audio] enabled = true: its voice


@pytest.fixture
def screen(config: Config) -> Iterator[tuple[Harness, RecordingPad]]:
    harness = Harness(config)
    pad = RecordingPad()
    harness.daemon.router.parts.append(pad)
    harness.daemon.router = type(harness.daemon.router)(harness.daemon.router.parts)
    yield harness, pad
    harness.close()


def call(ticket: str, counter: str, call_id: str, kind: str = "call"):
    return parse_call(dumps(payloads.call(ticket, counter, call_id, kind=kind)))


def body(harness: Harness) -> list[str]:
    return harness.drawn("counter_body")


def test_the_retained_state_shows_at_once_and_only_its_own_calls_change_it(screen) -> None:
    harness, _ = screen
    harness.settle()
    assert "欢迎光临" in " ".join(body(harness))  # nothing known yet: a welcome
    harness.put(CounterState("3", "A007", 2, TS, open=True))
    harness.settle()
    assert "A007" in body(harness)
    harness.put(call("A008", "3", "c-8"))
    harness.settle()
    assert "A008" in body(harness) and "综合业务  General business" in body(harness)
    assert harness.link.acks() == ["c-8"]  # shown on this screen, so acknowledged
    harness.put(call("C101", "4", "c-9"), CounterState("4", "C101", 0, TS, open=True))
    harness.settle()
    assert "A008" in body(harness) and "C101" not in body(harness)
    assert harness.link.acks() == ["c-8"]  # another counter's call is not shown here
    assert [c.id for c in harness.voice.announced] == ["c-8"]  # nor said


def test_a_new_call_and_a_recall_flash_then_settle(screen, config: Config) -> None:
    harness, _ = screen
    colours = config.display.theme.colours
    harness.put(call("A008", "3", "c-8"))
    harness.settle()
    card = harness.daemon.frames.painter.fills["counter_body"][-1]
    assert card.colour == colours.hero_flash_bg
    harness.clock.step(config.display.flash_seconds + 0.1)
    harness.settle()
    assert harness.daemon.frames.painter.fills["counter_body"][-1].colour == colours.hero_bg
    harness.put(call("A008", "3", "c-8r", kind="recall"))
    harness.settle()
    assert harness.daemon.frames.painter.fills["counter_body"][-1].colour == colours.hero_flash_bg
    assert "再次叫号  Calling again" in body(harness)


def test_a_paused_counter_shows_closed_with_the_reason_then_opens_again(screen) -> None:
    harness, _ = screen
    harness.put(CounterState("3", None, 4, TS, open=False, reason="午餐 Lunch"))
    harness.settle()
    assert "暂停服务" in " ".join(body(harness)) and "午餐 Lunch" in body(harness)
    harness.put(CounterState("3", None, 4, TS, open=True))
    harness.settle()
    assert "欢迎光临" in " ".join(body(harness)) and "午餐 Lunch" not in body(harness)


def touch_face(harness: Harness, score: int, finger: bool = False) -> None:
    painter = harness.daemon.frames.painter
    x, y = painter.body.faces[score].center
    if finger:
        width, height = harness.daemon.frames.screen.size
        event = pygame.event.Event(
            pygame.FINGERDOWN, x=x / width, y=y / height, dx=0.0, dy=0.0, touch_id=1, finger_id=0
        )
    else:
        event = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1, touch=False)
    pygame.event.post(event)


def test_a_touch_on_a_face_is_the_pads_rating_then_thanks(screen) -> None:
    harness, pad = screen
    pygame.event.clear()
    harness.put(CounterState("3", "A008", 0, TS, open=True))
    harness.settle()
    touch_face_if_any = harness.daemon.frames.painter.body.faces
    assert touch_face_if_any == {}  # no faces, no touch to take
    now = harness.clock.monotonic()
    harness.put(RatingInvited("A008", 3, now + 20))
    harness.settle()
    assert "Please rate our service" in " ".join(body(harness))
    touch_face(harness, 3)
    harness.settle()
    assert pad.pressed == [3]
    touch_face(harness, 1, finger=True)  # a second touch for the same customer: not taken
    harness.settle()
    assert pad.pressed == [3]
    harness.put(RatingClosed("A008", 3))
    harness.settle()
    assert "谢谢您的评价" in body(harness)
    harness.clock.step(THANKS_S + 0.1)
    harness.settle()
    assert "A008" in body(harness)


def test_a_finger_on_a_face_counts_and_an_unrated_invitation_goes_back(screen) -> None:
    harness, pad = screen
    pygame.event.clear()
    harness.put(CounterState("3", "A009", 0, TS, open=True))
    harness.put(RatingInvited("A008", 5, harness.clock.monotonic() + 20))
    harness.settle()
    touch_face(harness, 2, finger=True)
    harness.settle()
    assert pad.pressed == [2]
    harness.put(RatingClosed("A008", None))
    harness.settle()
    assert "A009" in body(harness) and "谢谢您的评价" not in body(harness)
    harness.put(RatingInvited("A009", 3, harness.clock.monotonic() + 5))
    harness.settle()
    harness.clock.step(5.1)  # the pad's time ran out: back to the ticket by itself
    harness.settle()
    assert "A009" in body(harness)
    touch_face_outside = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1)
    pygame.event.post(touch_face_outside)
    harness.settle()
    assert pad.pressed == [2]


def test_the_pad_and_the_counter_screen_together_after_done(tmp_path) -> None:
    """The real pad part beside the real page: done invites, the faces show, a touch is the
    ticket's Rating on the broker, and the page thanks the customer."""
    path = tmp_path / "counter.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "[display]\n", '[display]\nlayout = "counter"\ncounter = "3"\n', 1
    )
    path.write_text(text + '\n[rating]\ncounter = "3"\nscale = 3\nwindow_s = 20\n', "utf-8")
    harness = Harness(load_config(path))
    try:
        pygame.event.clear()
        harness.link.come_up()
        harness.put(CounterState("3", "A023", 0, TS, open=True))
        harness.settle()
        assert "A023" in body(harness) and harness.daemon.frames.painter.body.faces == {}
        harness.put(CounterState("3", None, 0, TS, open=True))  # done: the pad invites
        harness.settle()
        assert "Please rate our service" in " ".join(body(harness))
        touch_face(harness, 3)
        harness.settle()
        ((rating,),) = harness.link.of("rating")
        assert (rating.counter, rating.ticket, rating.score, rating.scale) == ("3", "A023", 3, 3)
        assert "谢谢您的评价" in body(harness)
        assert harness.daemon.frames.painter.body.faces == {}  # the thanks: no faces to touch
        harness.put(RatingPressed(1))  # a GPIO press after it: the same customer, ignored
        harness.settle()
        assert len(harness.link.of("rating")) == 1
    finally:
        harness.close()
