"""What the ticket machine does after a press, decided without pygame, paho or a clock.

A press asks the engine for a ticket (one request id); no answer in time, the same request
is asked again (the engine answers a retried request with the ticket it already issued);
after the last try the customer is told, politely, to ask at the desk. A second press while
a ticket is on its way takes no second ticket. The ticket shown (and printed) is always the
one the engine issued for that request, never one made up here.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from lobby.contract import TicketIssued, TicketRefused, TicketRequest

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    """A customer pressed a service's button, to be called in ``lang``."""

    service: str
    lang: str
    source: str = "touch"  # "touch", "key" or "gpio"


@dataclass(frozen=True)
class Welcome:
    """The buttons, waiting for a customer."""


@dataclass(frozen=True)
class Asking:
    """A request is on its way; ``tries`` so far, the next one due at ``due``."""

    request: TicketRequest
    tries: int
    due: float


@dataclass(frozen=True)
class Showing:
    """The ticket on the screen until ``until``."""

    issued: TicketIssued
    until: float


@dataclass(frozen=True)
class Sorry:
    """No answer: tickets are not available just now, until ``until``."""

    request: TicketRequest
    until: float


@dataclass(frozen=True)
class Declined:
    """The engine said why it gives no ticket (outside the hours, …), until ``until``."""

    refused: TicketRefused
    until: float


State = Welcome | Asking | Showing | Sorry | Declined


@dataclass(frozen=True)
class Ask:
    """Publish this TicketRequest (again, when it is a retry)."""

    request: TicketRequest


@dataclass(frozen=True)
class Give:
    """Hand the customer this ticket: on the screen, and on paper."""

    issued: TicketIssued


class KioskFlow:
    """The kiosk's state: one customer at a time."""

    def __init__(self, prefix: str, answer_s: float, tries: int, show_s: float) -> None:
        self._prefix = prefix  # k-<device>-<instance>: unique across restarts and clones
        self._answer_s = answer_s
        self._tries = tries
        self._show_s = show_s
        self._seq = 0
        self.state: State = Welcome()
        self.given = 0
        self.abandoned = 0

    def press(self, choice: Choice, now: float, wall: datetime) -> list[Ask]:
        """A new ticket, unless one is on its way (a second press takes no second one)."""
        if isinstance(self.state, Asking):
            return []
        if isinstance(self.state, Showing) and choice.source == "touch":
            self.state = Welcome()  # a touch on the ticket screen brings the buttons back
            return []  # (a physical button or key is a new customer's choice: it takes one)
        self._seq += 1
        request = TicketRequest(
            f"{self._prefix}-{self._seq:06d}", choice.service, wall, choice.lang
        )
        self.state = Asking(request, 1, now + self._answer_s)
        return [Ask(request)]

    def answer(self, issued: TicketIssued, now: float) -> list[Give]:
        """The engine's answer: shown if it answers the request of the customer still here."""
        state = self.state
        if isinstance(state, Asking | Sorry) and issued.request_id == state.request.id:
            self.state = Showing(issued, now + self._show_s)
            self.given += 1
            return [Give(issued)]
        if issued.request_id.startswith(self._prefix) and not isinstance(state, Showing):
            self.abandoned += 1
            _LOG.warning(
                "ticket %s came after the kiosk stopped waiting for it: not handed out",
                issued.ticket,
            )
        return []

    def refuse(self, refused: TicketRefused, now: float) -> bool:
        """The engine's "no" to the customer still here: shown at once with its reason (the
        kiosk does not ask again, nor wait for a time-out). True if it was theirs."""
        state = self.state
        if isinstance(state, Asking | Sorry) and refused.request_id == state.request.id:
            _LOG.info("no ticket for %s: %s", refused.request_id, refused.reason)
            self.state = Declined(refused, now + self._show_s)
            return True
        return False

    def tick(self, now: float) -> list[Ask]:
        """Ask again, give up, or bring the buttons back, as time says."""
        state = self.state
        if isinstance(state, Asking) and now >= state.due:
            if state.tries < self._tries:
                self.state = Asking(state.request, state.tries + 1, now + self._answer_s)
                return [Ask(state.request)]  # the same id: the engine answers it once
            _LOG.warning(
                "no queue engine answered %s after %d tries", state.request.id, state.tries
            )
            self.state = Sorry(state.request, now + self._show_s)
        elif isinstance(state, Showing | Sorry | Declined) and now >= state.until:
            self.state = Welcome()
        return []

    def next_wake(self, now: float) -> float:
        state = self.state
        if isinstance(state, Asking):
            return state.due
        if isinstance(state, Showing | Sorry | Declined):
            return state.until
        return math.inf
