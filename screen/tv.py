"""The TV's day: on a little before the lobby opens, off a while after it closes.

The part decides from the config's opening hours (``[hours]``) and the screen's wall clock
alone. Outside the TV's window the board shows one black frame and stops drawing; with
HDMI-CEC (``cec-ctl``) the TV is also put to standby, and woken and switched to our input
before opening. Every request to the TV runs on a thread of its own (``screen.cec``), so a
TV that does not answer never stalls the board; a failure is a status fault, the board
stays black instead, and the request is tried again later, less and less often.

The window of a day runs from its first span's start less ``tv_on_before_min`` to its last
span's end plus ``tv_off_after_min``: a lunch break keeps the TV on (the lobby is not
empty, and the TV is not cycled twice a day). A closed date (a holiday) has no window. A
call made outside the window (staff serving late) lights the board again, until
``tv_off_after_min`` after the last one. Standby is never sent while the lobby is open.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from config.settings import Config
from lobby.hours import OpeningHours
from screen.cec import CecCtl, TvDone, TvLine
from screen.frames import Frames
from screen.messages import Called, StatusChanged
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)

RETRY_FIRST_S = 30.0  # a failed request to the TV is tried again after this,
RETRY_MOST_S = 1800.0  # doubling each time up to this: never a storm on the CEC bus
LOOK_AHEAD_DAYS = 9  # far enough to find the next opening after a long holiday


def _at(day: date, moment: time, zone: tzinfo | None) -> datetime:
    if moment == time.max:  # a span that ends at 24:00
        return datetime.combine(day + timedelta(days=1), time.min, zone)
    return datetime.combine(day, moment, zone)


def tv_window(
    hours: OpeningHours, day: date, zone: tzinfo | None, before: timedelta, after: timedelta
) -> tuple[datetime, datetime] | None:
    """When the TV is on for ``day``'s hours, or None on a day the lobby is closed."""
    spans = hours.spans_on(day)
    if not spans:
        return None
    return _at(day, spans[0].start, zone) - before, _at(day, spans[-1].end, zone) + after


def tv_schedule(
    hours: OpeningHours, wall: datetime, before: timedelta, after: timedelta
) -> tuple[bool, datetime | None, datetime | None]:
    """(the TV is wanted on at ``wall``, the last opening today at or before ``wall``, the
    next moment either may change or None)."""
    today = wall.date()
    windows = [
        window
        for offset in range(-1, LOOK_AHEAD_DAYS)
        if (window := tv_window(hours, today + timedelta(offset), wall.tzinfo, before, after))
    ]
    wanted = any(start <= wall < end for start, end in windows)
    openings = [
        _at(day, span.start, wall.tzinfo)
        for day in (today, today + timedelta(1))
        for span in hours.spans_on(day)
    ]
    opened = max((moment for moment in openings if moment <= wall), default=None)
    moments = [moment for window in windows for moment in window] + openings
    upcoming = min((moment for moment in moments if moment > wall), default=None)
    return wanted, opened, upcoming


def choose_method(setting: str, device: str, cec_ctl: str | None) -> tuple[str, str]:
    """The method this screen uses ("cec", "blank" or "none") and why, for the log."""
    if setting != "auto":
        return setting, f'[display] tv_power = "{setting}"'
    if cec_ctl is None:
        return "blank", "cec-ctl is not installed (v4l-utils): blanking the board instead"
    if not os.path.exists(device):
        return "blank", f"there is no {device}: blanking the board instead"
    return "cec", f"HDMI-CEC through {device}"


class TvPower(Part):
    """Puts the TV to sleep outside the lobby's hours and wakes it before them."""

    handles = (TvDone, Called)

    def __init__(
        self,
        config: Config,
        frames: Frames,
        deliver: Callable[[object], None],
        wall: Callable[[], datetime],
        cec: CecCtl | None = None,
    ) -> None:
        display = config.display
        self._hours = config.hours
        self._before = timedelta(minutes=display.tv_on_before_min)
        self._after = timedelta(minutes=display.tv_off_after_min)
        self._frames = frames
        self._wall = wall
        cec = cec or CecCtl(display.cec_device)
        self.method, why = choose_method(display.tv_power, display.cec_device, cec.program)
        if self.method != "none" and config.hours.always:
            self.method, why = "none", "no [hours] table: the lobby never closes"
        _LOG.info("TV power: %s (%s)", self.method, why)
        self._line = TvLine(cec, deliver) if self.method == "cec" else None
        self._want = ""  # what the TV should be: "on" or "standby"
        self._done = ""  # what CEC last made it
        self.asking = ""
        """The request on its way to the TV ("on", "standby"), or "" when none is."""
        self._retry_at = 0.0
        self._retry_s = RETRY_FIRST_S
        self._opened: datetime | None = None
        self._late_until: datetime | None = None
        self.fault = ""

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, Called) and message.announce and self.method != "none":
            self._late_until = self._wall() + self._after  # someone is still being served
        elif isinstance(message, TvDone):
            return self._done_with(message, now)
        return NOTHING

    def tick(self, now: float) -> Sequence[object]:
        if self.method == "none":
            return NOTHING
        wall = self._wall()
        wanted, opened, _ = tv_schedule(self._hours, wall, self._before, self._after)
        wanted = wanted or (self._late_until is not None and wall < self._late_until)
        if wanted:
            if self._frames.dark:
                _LOG.info("the lobby opens soon: the board is back")
                self._frames.light_up()
            if opened != self._opened and self._done == "on":
                self._done = ""  # at each opening, on again: someone may have used the remote
            self._opened = opened
            self._ask("on", now)
        elif not self._hours.is_open(wall):  # never dark, nor standby, in opening hours
            if not self._frames.dark:
                _LOG.info("the lobby has closed: the board is dark until before it opens")
                self._frames.go_dark()
            self._ask("standby", now)
        return NOTHING

    def _ask(self, want: str, now: float) -> None:
        if want != self._want:
            self._want, self._retry_at, self._retry_s = want, 0.0, RETRY_FIRST_S
        if self._line is None or self.asking or self._done == want or now < self._retry_at:
            return
        self.asking = want
        self._line.send(want)

    def _done_with(self, message: TvDone, now: float) -> Sequence[object]:
        self.asking = ""
        """The request on its way to the TV ("on", "standby"), or "" when none is."""
        before = self.fault
        if message.answer.ok:
            self._done, self.fault = message.want, ""
            self._retry_s = RETRY_FIRST_S
        else:
            self._done = ""
            instead = "the board is dark instead" if message.want == "standby" else "tried again"
            self.fault = f"TV {message.want} through CEC failed: {message.answer.detail}; {instead}"
            self._retry_at = now + self._retry_s
            self._retry_s = min(self._retry_s * 2, RETRY_MOST_S)
        return (StatusChanged(),) if self.fault != before else NOTHING

    def next_wake(self, now: float) -> float:
        if self.method == "none":
            return math.inf
        wall = self._wall()
        _, _, upcoming = tv_schedule(self._hours, wall, self._before, self._after)
        moments = [m for m in (upcoming, self._late_until) if m is not None and m > wall]
        wake = now + (min(moments) - wall).total_seconds() if moments else math.inf
        if self._line is not None and not self.asking and self._done != self._want:
            wake = min(wake, self._retry_at)
        return wake

    def status(self) -> Mapping[str, Any]:
        if self.method == "none":
            return {"tv_power": "none"}
        shown = "dark" if self._frames.dark else "on"
        figures: dict[str, Any] = {"tv_power": self.method, "tv": self._done or shown}
        if self.fault:
            figures["faults"] = [self.fault]
        return figures

    def close(self) -> None:
        if self._line is not None:
            self._line.close()
