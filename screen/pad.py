"""The rating pad's part: when a customer is served it invites a rating for a while, takes
the first press (a button, or a face touched on the counter screen) as that ticket's
rating, and sends it once; it pauses and resumes the counter from the pad.

It follows the counter's retained CounterState, which a counter device may read: the
ticket served there changes (``done``: the counter goes idle; ``next``: another ticket) ->
the ticket just served is invited to rate for ``window_s``. The next ticket called there, or
the time running out, ends the invitation. The first CounterState after start only says
where things stand: a ticket finished while the pad was off is not invited.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from buttons.pad import PadButtons, PadLights, PadPress, PauseWanted, RatingOutbox
from buttons.panel import make_pin_factory
from buttons.press import Press, PressOutbox
from config.settings import Config, RatingSettings
from lobby.contract import CallEvent, CounterState, Rating
from mqtt_client.session import LinkState
from screen.messages import RatingClosed, RatingInvited, RatingPressed
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
RATED_KEPT = 200  # tickets rated here, remembered so none is invited twice in a day

PublishRating = Callable[[Rating], None]
PublishRequest = Callable[[str, str, str, datetime, str | None], None]


class RatingPad(Part):
    """One counter's rating pad: the window, the ratings' outbox, pause and resume."""

    handles = (CounterState, CallEvent, LinkState, PadPress, RatingPressed, PauseWanted)

    def __init__(
        self,
        config: Config,
        deliver: Callable[[object], None],
        publish_rating: PublishRating,
        publish_request: PublishRequest,
        wall: Callable[[], datetime],
        pin_factory: Any = None,
        instance: str = "",
        screen: bool = True,
    ) -> None:
        assert config.rating is not None
        self.settings: RatingSettings = config.rating
        self.counter = self.settings.counter
        self._wall = wall
        self._screen = screen
        self._reset = config.queue.reset_at
        self._connected = False
        self._known = False
        self._serving: str | None = None
        self.is_open: bool | None = None
        self.window: tuple[str, float] | None = None
        """The ticket invited to rate and until when (monotonic seconds)."""
        self._rated: OrderedDict[tuple[str, str], None] = OrderedDict()
        factory = pin_factory or make_pin_factory(config.buttons.pin_factory)
        self.buttons = PadButtons(self.settings, config.buttons, deliver, factory)
        self.lights = PadLights(self.settings, factory)
        self.outbox = RatingOutbox(config.device, publish_rating, self.settings.max_age_s, instance)
        reason = self.settings.pause_reason

        def request(request_id: str, counter: str, action: str, at: datetime) -> None:
            publish_request(request_id, counter, action, at, reason if action == "pause" else None)

        self.requests = PressOutbox(
            config.device, request, config.buttons.max_age_s, f"pad-{instance}"
        )

    def open(self) -> None:
        for part in (self.buttons, self.lights):
            if not part.open():
                _LOG.warning("rating pad: %s; touches on a counter screen count", part.fault)

    # Messages

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, CounterState):
            return self._state(message, now) if message.counter == self.counter else NOTHING
        if isinstance(message, CallEvent):
            return self._called(message)
        if isinstance(message, PadPress):
            return self._rate(message.score, message.at, now, "button")
        if isinstance(message, RatingPressed):
            return self._rate(message.score, self._wall(), now, "touch")
        if isinstance(message, PauseWanted):
            self._pause(message)
        elif isinstance(message, LinkState):
            self._connected = message.connected
            self._flush()
        return NOTHING

    def _state(self, state: CounterState, now: float) -> Sequence[object]:
        self.is_open = state.is_open
        self.lights.paused(not state.is_open)
        if not self._known:  # where things stand at start: nothing was finished just now
            self._known, self._serving = True, state.ticket
            return NOTHING
        if state.ticket == self._serving:
            return NOTHING
        served, self._serving = self._serving, state.ticket
        out = list(self._close(None))  # another customer, or nobody: the last one's time is up
        if served is not None and self._day_key(served) not in self._rated:
            until = now + self.settings.window_s
            self.window = (served, until)
            self.lights.inviting(True)
            _LOG.info("counter %s: %s served; a rating is invited", self.counter, served)
            out.extend(self._tell(RatingInvited(served, self.settings.scale, until)))
        return out

    def _called(self, call: CallEvent) -> Sequence[object]:
        """The next call at this counter ends the invitation, even before its state comes."""
        if call.counter != self.counter or call.kind != "call" or call.ticket == self._serving:
            return NOTHING
        return self._close(None)

    def _rate(self, score: int, at: datetime, now: float, source: str) -> Sequence[object]:
        if self.window is None or now >= self.window[1]:
            _LOG.debug(
                "counter %s: %s %d with no rating invited; ignored", self.counter, source, score
            )
            return NOTHING
        if not 1 <= score <= self.settings.scale:
            _LOG.debug("counter %s: score %d is off the scale; ignored", self.counter, score)
            return NOTHING
        ticket = self.window[0]
        rating = self.outbox.add(self.counter, ticket, score, self.settings.scale, at)
        self._rated[self._day_key(ticket)] = None
        while len(self._rated) > RATED_KEPT:
            self._rated.popitem(last=False)
        _LOG.info(
            "counter %s: %s rated %d of %d (%s) -> %s",
            self.counter,
            ticket,
            score,
            self.settings.scale,
            source,
            rating.id,
        )
        self._flush()
        return self._close(score)

    def _close(self, score: int | None) -> Sequence[object]:
        if self.window is None:
            return NOTHING
        ticket = self.window[0]
        self.window = None
        self.lights.inviting(False)
        if score is None:
            _LOG.info("counter %s: the rating of %s was not given", self.counter, ticket)
        return self._tell(RatingClosed(ticket, score))

    def _tell(self, message: object) -> Sequence[object]:
        """What the counter screen shows, when a part of this process draws it."""
        return (message,) if self._screen else NOTHING

    def _pause(self, wanted: PauseWanted) -> None:
        paused = wanted.paused if wanted.paused is not None else self.is_open is not False
        press = Press(self.counter, "pause" if paused else "resume", wanted.at, source="pad")
        request_id = self.requests.add(press)
        _LOG.info("counter %s: %s from the pad -> %s", self.counter, press.action, request_id)
        self._flush()

    def _flush(self) -> None:
        wall = self._wall()
        self.outbox.flush(self._connected, wall)
        self.requests.flush(self._connected, wall)

    def _day_key(self, ticket: str) -> tuple[str, str]:
        """Numbering restarts every day at ``reset_at``: A001 today is not yesterday's."""
        hours, minutes = (int(part) for part in self._reset.split(":"))
        day = (self._wall() - timedelta(hours=hours, minutes=minutes)).date().isoformat()
        return day, ticket

    # Time

    def tick(self, now: float) -> Sequence[object]:
        if self.window is not None and now >= self.window[1]:
            return self._close(None)
        return NOTHING

    def next_wake(self, now: float) -> float:
        return self.window[1] if self.window is not None else math.inf

    def status(self) -> Mapping[str, Any]:
        fault = self.buttons.fault or self.lights.fault
        return {
            "rating_pad": "fault" if fault else "ok",
            "ratings_waiting": self.outbox.waiting,
            "ratings_sent": self.outbox.sent,
            **({"faults": [fault]} if fault else {}),
        }

    def close(self) -> None:
        self.buttons.close()
        self.lights.close()
