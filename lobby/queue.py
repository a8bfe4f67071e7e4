"""The lobby's queue rules: tickets per service, counters calling the next customer.

Pure and deterministic: time comes in as arguments, nothing is stored or sent here. Each
operation changes the model and returns what the world must be told (the call, the ticket
issued, the counters whose state changed); the queue engine stores the change and those
messages in one transaction and sends them after it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from lobby.contract import (
    COUNTER_ACTIONS,
    MAX_WAITED_S,
    CounterRequest,
    Rating,
    TicketRequest,
)
from lobby.hours import ALWAYS, OpeningHours
from lobby.pace import estimated_wait_s

WAITING, CALLED, SERVED, SKIPPED = "waiting", "called", "served", "skipped"


@dataclass
class Ticket:
    """One customer's ticket for the day."""

    number: str
    service: str
    order: int
    """Place in its queue: lower goes first (a transfer gets one below every other)."""
    issued_at: datetime
    status: str = WAITING
    counter: str | None = None
    called_at: datetime | None = None
    done_at: datetime | None = None
    transfers: int = 0
    first_service: str = ""
    first_called_at: datetime | None = None
    """When it was first called: its wait ends there, whatever transfers follow."""
    lang: str | None = None
    """The language the customer chose at the ticket machine: the calls carry it."""


@dataclass(frozen=True)
class Called:
    """A ticket called (or recalled) to a counter: becomes a CallEvent."""

    ticket: str
    counter: str
    service: str
    kind: str
    lang: str | None = None
    waited_s: int | None = None
    """Seconds from the ticket's issue to this call; None on a recall."""


@dataclass(frozen=True)
class Issued:
    """A ticket issued: becomes a TicketIssued."""

    ticket: str
    service: str
    waiting_before: int
    lang: str | None = None
    est_wait_s: int | None = None


@dataclass(frozen=True)
class Refused:
    """A ticket not issued, and why: becomes a TicketRefused the kiosk can word."""

    service: str
    reason: str
    """``closed``, ``unknown_service`` or ``unavailable`` (the contract's codes)."""
    opens: datetime | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Rated:
    """A customer's rating, to be recorded against the ticket's service."""

    ticket: str
    counter: str
    service: str
    score: int
    scale: int


@dataclass
class Effects:
    """What one request changed, to be stored and then told."""

    called: Called | None = None
    issued: Issued | None = None
    refused: Refused | None = None
    rated: Rated | None = None
    counters: set[str] = field(default_factory=set)
    tickets: set[str] = field(default_factory=set)
    note: str = ""
    """Why nothing happened, for the log (no one waiting, no current ticket, …)."""

    @property
    def changed(self) -> bool:
        return bool(self.tickets or self.counters or self.issued)


@dataclass
class QueueModel:
    """The day's tickets and what each counter serves."""

    services: dict[str, str]
    """Service id -> ticket prefix."""
    counters: dict[str, tuple[str, ...]]
    """Counter id -> services it serves, first served first."""
    width: int = 3
    day: str = ""
    tickets: dict[str, Ticket] = field(default_factory=dict)
    serving: dict[str, str | None] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)
    """Service id -> how many tickets it has issued today (the last number)."""
    next_order: int = 0
    head_order: int = 0
    paused: dict[str, str] = field(default_factory=dict)
    """Counter id -> why it is paused ("" when not said); a paused counter is never called."""
    rated: set[str] = field(default_factory=set)
    """Today's tickets whose customer has rated their service (once each)."""
    hours: OpeningHours = ALWAYS
    """When tickets are issued; counters call at any hour (the last customers after
    closing time, a teller trying the buttons before opening)."""

    # Reading

    def is_open(self, counter: str) -> bool:
        return counter not in self.paused

    def serving_since(self, counter: str) -> datetime | None:
        """When the counter's current customer was called to it (None: serving nobody)."""
        current = self.serving.get(counter)
        return self.tickets[current].called_at if current is not None else None

    def waiting(self, service: str) -> list[Ticket]:
        """The tickets waiting for a service, first first."""
        found = [t for t in self.tickets.values() if t.status == WAITING and t.service == service]
        return sorted(found, key=lambda t: t.order)

    def waiting_counts(self) -> dict[str, int]:
        counts = {service: 0 for service in self.services}
        for ticket in self.tickets.values():
            if ticket.status == WAITING:
                counts[ticket.service] = counts.get(ticket.service, 0) + 1
        return counts

    def waiting_for(self, counter: str) -> int:
        return sum(len(self.waiting(service)) for service in self.counters.get(counter, ()))

    # Changing

    def apply(self, request: TicketRequest | CounterRequest | Rating, now: datetime) -> Effects:
        """One request from the wire, decided: what changed and what to tell."""
        if isinstance(request, TicketRequest):
            return self.issue(request.service, now, request.lang)
        if isinstance(request, Rating):
            return self.rate(request.counter, request.ticket, request.score, request.scale)
        rule = COUNTER_RULES.get(request.action)
        if rule is None:
            return Effects(note=f"the action {request.action!r} is not one this engine knows")
        return rule(self, request, now)

    def new_day(self, day: str) -> None:
        """Numbering restarts; yesterday's tickets stay in the record, not in the queues."""
        self.day = day
        self.tickets = {}
        self.issued = {service: 0 for service in self.services}
        self.serving = {counter: None for counter in self.counters}
        self.paused = {}  # every counter opens the day open
        self.rated = set()

    def issue(self, service: str, now: datetime, lang: str | None = None) -> Effects:
        """A ticket, or the reason there is none: outside the opening hours (with when the
        lobby opens), an unknown service, or every number of the service in use today."""
        if service not in self.services:
            refused = Refused(service, "unknown_service", lang=lang)
            return Effects(refused=refused, note=f"no service {service!r}")
        if not self.hours.is_open(now):
            opens = self.hours.next_opening(now)
            refused = Refused(service, "closed", opens, lang)
            return Effects(refused=refused, note="outside the opening hours: no ticket")
        count = self.issued.get(service, 0) % (10**4 - 1) + 1  # 9999, then 1 again
        number = f"{self.services[service]}{count:0{self.width}d}"
        if number in self.tickets:  # wrapped round in one day: an unusually busy lobby
            refused = Refused(service, "unavailable", lang=lang)
            return Effects(refused=refused, note=f"ticket {number} is still in use")
        self.issued[service] = count
        before = len(self.waiting(service))
        self.next_order += 1
        self.tickets[number] = Ticket(
            number, service, self.next_order, now, first_service=service, lang=lang
        )
        wait = estimated_wait_s(self.tickets.values(), service, before, now)
        return Effects(issued=Issued(number, service, before, lang, wait), tickets={number})

    def _finish(self, counter: str, status: str, now: datetime, effects: Effects) -> Ticket | None:
        current = self.serving.get(counter)
        if current is None:
            return None
        ticket = self.tickets[current]
        ticket.status = status
        ticket.done_at = now
        self.serving[counter] = None
        effects.tickets.add(current)
        effects.counters.add(counter)
        return ticket

    def _call_next(self, counter: str, now: datetime, effects: Effects) -> None:
        if counter in self.paused:
            effects.note = effects.note or "the counter is paused: nobody is called to it"
            return
        for service in self.counters[counter]:  # every caller has checked the counter
            queue = self.waiting(service)
            if queue:
                self._call(queue[0], counter, now, effects)
                return
        effects.note = effects.note or "no one is waiting for this counter"

    def _call(self, ticket: Ticket, counter: str, now: datetime, effects: Effects) -> None:
        ticket.status, ticket.counter, ticket.called_at = CALLED, counter, now
        ticket.first_called_at = ticket.first_called_at or now
        self.serving[counter] = ticket.number
        waited = waited_s(ticket.issued_at, now)
        effects.called = Called(ticket.number, counter, ticket.service, "call", ticket.lang, waited)
        effects.tickets.add(ticket.number)
        effects.counters.add(counter)

    def next(self, counter: str, now: datetime) -> Effects:
        """The current customer is served; the oldest waiting ticket, by priority, is called."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        effects = Effects()
        self._finish(counter, SERVED, now, effects)
        self._call_next(counter, now, effects)
        return effects

    def recall(self, counter: str) -> Effects:
        current = self.serving.get(counter)
        if current is None:
            return Effects(note="the counter serves nobody to recall")
        ticket = self.tickets[current]
        return Effects(called=Called(current, counter, ticket.service, "recall", ticket.lang))

    def skip(self, counter: str, now: datetime) -> Effects:
        """The current ticket did not come: a no-show; the next is called."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        effects = Effects()
        if self._finish(counter, SKIPPED, now, effects) is None:
            effects.note = "no current ticket to skip"
        self._call_next(counter, now, effects)
        return effects

    def transfer(self, counter: str, to_service: str, now: datetime) -> Effects:
        """The current ticket goes to the head of another service's queue; the next is called."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        if to_service not in self.services:
            return Effects(note=f"no service {to_service!r} to transfer to")
        current = self.serving.get(counter)
        effects = Effects()
        if current is not None:
            ticket = self.tickets[current]
            self.head_order -= 1
            ticket.status, ticket.service, ticket.order = WAITING, to_service, self.head_order
            ticket.counter, ticket.called_at = None, None
            ticket.transfers += 1
            self.serving[counter] = None
            effects.tickets.add(current)
            effects.counters.add(counter)
        else:
            effects.note = "no current ticket to transfer"
        self._call_next(counter, now, effects)
        return effects

    def pause(self, counter: str, reason: str) -> Effects:
        """The counter takes nobody new until it resumes; its current customer stays."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        self.paused[counter] = reason
        return Effects(counters={counter})

    def resume(self, counter: str) -> Effects:
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        if self.paused.pop(counter, None) is None:
            return Effects(note="the counter was not paused")
        return Effects(counters={counter})

    def done(self, counter: str, now: datetime) -> Effects:
        """The customer is served; nobody is called yet (the counter says when)."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        effects = Effects()
        if self._finish(counter, SERVED, now, effects) is None:
            effects.note = "the counter serves nobody to be done with"
        return effects

    def call(self, counter: str, number: str, now: datetime) -> Effects:
        """A given waiting ticket, out of order, of a service this counter serves; the
        current customer is served first."""
        if counter not in self.counters:
            return Effects(note=f"no counter {counter!r}")
        if counter in self.paused:
            return Effects(note="the counter is paused: nobody is called to it")
        ticket = self.tickets.get(number)
        if ticket is None or ticket.status != WAITING:
            return Effects(note=f"ticket {number} is not waiting")
        if ticket.service not in self.counters[counter]:
            return Effects(note=f"ticket {number} is for {ticket.service}, not served here")
        effects = Effects()
        self._finish(counter, SERVED, now, effects)
        self._call(ticket, counter, now, effects)
        return effects

    def rate(self, counter: str, number: str, score: int, scale: int) -> Effects:
        """A customer's rating of a ticket called today, once per ticket, recorded against
        the service it was served under."""
        ticket = self.tickets.get(number)
        if ticket is None or ticket.first_called_at is None:
            return Effects(note=f"ticket {number} has not been called today")
        if number in self.rated:
            return Effects(note=f"ticket {number} has been rated already")
        self.rated.add(number)
        return Effects(rated=Rated(number, counter, ticket.service, score, scale))


def waited_s(issued_at: datetime, now: datetime) -> int:
    """Whole seconds a ticket has waited, never below 0: a clock set back after the ticket
    was issued (NTP correcting a Pi that booted on an old time) makes no negative wait."""
    return min(MAX_WAITED_S, max(0, int((now - issued_at).total_seconds())))


CounterRule = Callable[[QueueModel, CounterRequest, datetime], Effects]
COUNTER_RULES: dict[str, CounterRule] = {
    "next": lambda model, request, now: model.next(request.counter, now),
    "recall": lambda model, request, now: model.recall(request.counter),
    "skip": lambda model, request, now: model.skip(request.counter, now),
    "transfer": lambda model, request, now: model.transfer(
        request.counter, request.to_service or "", now
    ),
    "pause": lambda model, request, now: model.pause(request.counter, request.reason or ""),
    "resume": lambda model, request, now: model.resume(request.counter),
    "done": lambda model, request, now: model.done(request.counter, now),
    "call": lambda model, request, now: model.call(request.counter, request.ticket or "", now),
}
"""What each counter action does; the contract's list of actions and this table agree."""

assert set(COUNTER_RULES) == set(COUNTER_ACTIONS)


def request_kind(request: TicketRequest | CounterRequest | Rating) -> str:
    """How the engine's record names a request: ``ticket``, ``rating`` or the action."""
    if isinstance(request, TicketRequest):
        return "ticket"
    return "rating" if isinstance(request, Rating) else request.action
