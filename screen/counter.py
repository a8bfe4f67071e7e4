"""The counter part: the page of the screen above one counter (``[display] layout =
"counter"``). It follows the engine's retained CounterState and the calls to its counter,
shows the rating faces the counter's pad invites, and turns a touch on a face into the
pad's RatingPressed. Other counters' calls leave it as it is."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from config.settings import Config
from lobby.contract import CounterState
from lobby.counter_page import RATING, CounterLook, CounterPage
from screen.messages import Called, RatingClosed, RatingInvited, RatingPressed, Touched
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)


class CounterScreen(Part):
    """Owns the state of the counter's page."""

    handles = (CounterState, Called, RatingInvited, RatingClosed, Touched)

    def __init__(self, config: Config, face_at: Callable[[tuple[int, int]], int | None]) -> None:
        prefixes = {service.prefix: service.id for service in config.services}
        self.page = CounterPage(config.display.counter, config.display.flash_seconds, prefixes)
        self._face_at = face_at
        self.touches = 0

    def look(self, now: float) -> CounterLook:
        return self.page.look(now)

    def handle(self, message: object, now: float) -> Sequence[object]:
        page = self.page
        if isinstance(message, CounterState):
            if page.apply_state(message):
                _LOG.info(
                    "counter %s: %s%s",
                    page.counter,
                    f"serving {page.ticket}" if page.ticket else "serving nobody",
                    "" if page.open else f", paused ({page.reason or 'no reason given'})",
                )
        elif isinstance(message, Called):
            page.apply_call(message.call, now, flash=message.announce)
        elif isinstance(message, RatingInvited):
            page.invite(message.ticket, message.scale, message.until)
        elif isinstance(message, RatingClosed):
            page.close_rating(message.score, now)
        elif isinstance(message, Touched):
            return self._touched(message, now)
        return NOTHING

    def _touched(self, touch: Touched, now: float) -> Sequence[object]:
        """A touch on a face while the faces show chooses it, once per invitation."""
        look = self.page.look(now)
        score = self._face_at((touch.x, touch.y))
        if look.phase != RATING or score is None or look.chosen is not None:
            return NOTHING
        self.page.choose(score)
        self.touches += 1
        _LOG.info(
            "counter %s: face %d of %d touched for %s",
            self.page.counter,
            score,
            look.scale,
            look.ticket,
        )
        return (RatingPressed(score),)

    def next_wake(self, now: float) -> float:
        return self.page.next_change(now)

    def status(self) -> Mapping[str, Any]:
        return {"counter_page": self.page.counter}


class OwnCallsOnly(Part):
    """The voice of a counter's screen (when ``[audio] enabled`` asks for one): it says
    only its own counter's calls; everything else passes through to the voice."""

    def __init__(self, voice: Part, counter: str) -> None:
        self.voice = voice
        self.counter = counter
        self.handles = voice.handles

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, Called) and message.call.counter != self.counter:
            return NOTHING
        return self.voice.handle(message, now)

    def tick(self, now: float) -> Sequence[object]:
        return self.voice.tick(now)

    def next_wake(self, now: float) -> float:
        return self.voice.next_wake(now)

    def status(self) -> Mapping[str, Any]:
        return self.voice.status()

    def trouble(self) -> str:
        return self.voice.trouble()

    def close(self) -> None:
        self.voice.close()
