"""Recording stand-ins for the screen's seams: a link that keeps what it was asked to send,
a clock the test steps, a voice that keeps what it was asked to say. The loop under test
is the real one, on a real pygame surface (SDL's dummy driver)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from gpiozero.pins.mock import MockFactory

from config.lifecycle import Clock
from config.settings import Config
from display.screen import open_screen
from lobby.contract import CallEvent, Rating
from mqtt_client.session import LinkState
from screen.messages import Called, DayChanged
from screen.parts import NOTHING, Part
from screen.service import Daemon


@dataclasses.dataclass(frozen=True)
class Sent:
    """One thing the link was asked to publish."""

    kind: str  # "ack", "request", "status"
    fields: tuple[Any, ...]


class RecordingLink:
    """The screen's broker link, minus the broker: it records what it was asked to send."""

    def __init__(self, config: Config, deliver: Callable[[object], None], version: str) -> None:
        self.config = config
        self.deliver = deliver
        self.version = version
        self.sent: list[Sent] = []
        self.figures: Mapping[str, Any] = {}
        self.started = self.stopped = False
        self.alive = True
        self.connected = False
        self.instance = "fake0001"

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def set_status(self, figures: Mapping[str, Any]) -> None:
        self.figures = dict(figures)

    def publish_status(self) -> None:
        self.sent.append(Sent("status", (dict(self.figures),)))

    def publish_ack(self, call_id: str, event: str, moment: datetime) -> None:
        self.sent.append(Sent("ack", (call_id, event, moment)))

    def publish_request(
        self, request_id: str, counter: str, action: str, at: datetime, reason: str | None = None
    ) -> None:
        self.sent.append(Sent("request", (request_id, counter, action, at)))

    def publish_rating(self, rating: Rating) -> None:
        self.sent.append(Sent("rating", (rating,)))

    def come_up(self, up: bool = True) -> None:
        """What paho's thread does when the broker answers (or goes)."""
        self.connected = up
        self.deliver(LinkState(up))

    def acks(self, event: str = "shown") -> list[str]:
        return [s.fields[0] for s in self.sent if s.kind == "ack" and s.fields[1] == event]

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [s.fields for s in self.sent if s.kind == kind]


class StepClock:
    """Monotonic time that moves only when the test says so; the wall clock follows it."""

    def __init__(self, wall: datetime | None = None) -> None:
        self.now = 1000.0
        self._wall0 = wall or datetime.now().astimezone()

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.now - 1000.0)

    def step(self, seconds: float) -> None:
        self.now += seconds


class RecordingVoice(Part):
    """A voice that keeps the calls it was asked to announce, and what it was told of the
    day (the real one is silent while closed: tests/screen/test_closed_voice.py)."""

    handles = (Called, DayChanged)

    def __init__(self) -> None:
        self.announced: list[CallEvent] = []
        self.days: list[str] = []

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, DayChanged):
            self.days.append(message.view.phase)
        elif isinstance(message, Called) and message.announce:
            self.announced.append(message.call)
        return NOTHING


class Harness:
    """The real screen loop on a surface, with the recording link, clock and voice."""

    def __init__(self, config: Config, clock: StepClock | None = None) -> None:
        self.clock = clock or StepClock()
        self.voice = RecordingVoice()
        self.pins = MockFactory()
        self.daemon = Daemon(
            config,
            link_factory=RecordingLink,
            screen_factory=open_screen,  # SDL's dummy driver: a real surface, no window
            clock=self.clock,
            voice_factory=self._voice,
            pin_factory=self.pins,
        )
        self.daemon.open()
        link = self.daemon.link
        assert isinstance(link, RecordingLink)
        self.link = link

    def _voice(self, config: Config, deliver: Any, spoken: Any, clock: Clock) -> Part:
        return self.voice

    def put(self, *items: object) -> None:
        for item in items:
            self.daemon.inbox.put(item)

    def settle(self, passes: int = 50) -> None:
        """Run the loop until the inbox is empty (without waiting for time to pass)."""
        for _ in range(passes):
            if self.daemon.inbox.empty():
                self.daemon.step(wait=0)
                return
            self.daemon.step(wait=0)
        raise AssertionError("the loop did not catch up")

    def drawn(self, region: str) -> list[str]:
        return [text for text, _ in self.daemon.frames.painter.drawn.get(region, [])]

    def close(self) -> None:
        self.daemon.close()
