"""The MQTT contract, version 1: every message type, each parsing and building itself.

A message is a frozen dataclass. ``Type.parse(raw)`` validates a payload strictly and
returns the message (no ``dict`` travels past here), or raises ``ContractError`` with one
short line saying why; ``message.payload()`` is the bytes to publish. The validator is
hand-written, not a JSON Schema library at run time: it returns typed values, says why in
words, and keeps the Pi's runtime free of another dependency. The JSON Schema files in
``docs/schema/`` stay the portable description for other vendors, and the tests feed one
corpus of payloads through both so that they cannot drift apart. Topic names are built and
read in ``lobby.topics``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lobby.devices import (
    ACK_EVENTS,
    DEVICE_STATES,
    LEASE_STATES,
    MAX_FAULT_CHARS,
    MAX_FAULTS,
    ROLES,
    Ack,
    DeviceStatus,
    EngineLease,
)
from lobby.errors import ContractError
from lobby.records import (
    FIGURE_COLUMNS,
    OUTCOMES,
    DayFigures,
    FinishedTicket,
    Rating,
    StatsPage,
    StatsRequest,
)
from lobby.refusal import REFUSAL_REASONS, TicketRefused
from lobby.wire import (
    COUNTER_RE,
    EPOCH_RE,
    ID_RE,
    LANG_RE,
    MAX_PAYLOAD_BYTES,
    SERVICE_RE,
    TICKET_RE,
    VERSION,
    Fields,
    check_integer,
    check_text,
    encode,
    format_ts,
    load_object,
    parse_ts,
    without_none,
)

__all__ = [
    "ACK_EVENTS",
    "DEVICE_STATES",
    "FIGURE_COLUMNS",
    "LEASE_STATES",
    "MAX_FAULTS",
    "MAX_FAULT_CHARS",
    "MAX_PAYLOAD_BYTES",
    "OUTCOMES",
    "REFUSAL_REASONS",
    "ROLES",
    "VERSION",
    "Ack",
    "BoardCall",
    "BoardSnapshot",
    "CallEvent",
    "CounterRequest",
    "CounterState",
    "DayFigures",
    "DeviceStatus",
    "EngineLease",
    "FinishedTicket",
    "Notice",
    "NoticePage",
    "Rating",
    "ScopedNotice",
    "StatsPage",
    "StatsRequest",
    "TicketIssued",
    "TicketRefused",
    "TicketRequest",
    "encode",
    "format_ts",
    "parse_ts",
]

MAX_BOARD_CALLS = 20
MAX_WAITING = 99999
MAX_NOTICE_BYTES = 16 * 1024  # the contract's cap for a Notice; 4 KiB for everything else
# A Notice at every limit fits the cap even with every character escaped as JSON's \uXXXX
# (6 bytes): 4 x 80 + 5 x (32 + 8 x 50) = 2,480 characters, about 15.3 KB with the syntax;
# a line of 50 holds a bilingual line ("医疗费用原始收据及病历 Original medical receipts").
MAX_MARQUEE_ITEMS = 4
MAX_MARQUEE_CHARS = 80
MAX_PAGES = 5
MAX_PAGE_TITLE_CHARS = 32
MAX_PAGE_LINES = 8
MAX_PAGE_LINE_CHARS = 50

CALL_KINDS = ("call", "recall")
MAX_WAITED_S = 10**6  # a CallEvent's waited_s: more than a day, so any real wait fits
COUNTER_ACTIONS = ("next", "recall", "skip", "transfer", "pause", "resume", "call", "done")
MAX_REASON_CHARS = 40


def _ts(fields: Fields) -> datetime:
    return fields.req_timestamp("ts")


@dataclass(frozen=True)
class BoardCall:
    """One call as the board lists it (from a CallEvent or a BoardSnapshot)."""

    id: str
    ticket: str
    counter: str
    service: str
    ts: datetime
    kind: str = "call"

    @classmethod
    def read(cls, fields: Fields) -> BoardCall:
        kind = fields.choice("kind", CALL_KINDS, required=False) or "call"
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            ticket=fields.req_text("ticket", TICKET_RE),
            counter=fields.req_text("counter", COUNTER_RE),
            service=fields.req_text("service", SERVICE_RE),
            ts=_ts(fields),
            kind=kind,
        )

    def fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ticket": self.ticket,
            "counter": self.counter,
            "service": self.service,
            "ts": format_ts(self.ts),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class CallEvent:
    """A ticket is called (or recalled) to a counter: ``{p}/call``."""

    id: str
    ticket: str
    counter: str
    service: str
    kind: str
    ts: datetime
    epoch: str | None = None
    """The engine's store that made it (a new store, a new epoch)."""
    request_id: str | None = None
    """Which CounterRequest caused it (callboard's own optional field)."""
    lang: str | None = None
    """The language the customer chose at the ticket machine."""
    waited_s: int | None = None
    """Seconds from the ticket's issue to this call (callboard's own; absent on a recall)."""

    @classmethod
    def parse(cls, raw: bytes) -> CallEvent:
        fields = Fields(load_object(raw))
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            ticket=fields.req_text("ticket", TICKET_RE),
            counter=fields.req_text("counter", COUNTER_RE),
            service=fields.req_text("service", SERVICE_RE),
            kind=fields.req_choice("kind", CALL_KINDS),
            ts=_ts(fields),
            epoch=fields.text("epoch", EPOCH_RE, 16, required=False),
            request_id=fields.text("request_id", ID_RE, 128, required=False),
            lang=fields.text("lang", LANG_RE, 12, required=False),
            waited_s=fields.opt_integer("waited_s", 0, MAX_WAITED_S),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "ticket": self.ticket,
                    "counter": self.counter,
                    "service": self.service,
                    "kind": self.kind,
                    "ts": format_ts(self.ts),
                    "epoch": self.epoch,
                    "request_id": self.request_id,
                    "lang": self.lang,
                    "waited_s": self.waited_s,
                }
            )
        )

    def as_board_call(self) -> BoardCall:
        return BoardCall(self.id, self.ticket, self.counter, self.service, self.ts, self.kind)


@dataclass(frozen=True)
class BoardSnapshot:
    """The whole board as the queue engine knows it: ``{p}/board`` (retained)."""

    seq: int
    ts: datetime
    calls: tuple[BoardCall, ...]
    waiting: Mapping[str, int] = field(default_factory=dict)
    epoch: str | None = None

    @classmethod
    def parse(cls, raw: bytes) -> BoardSnapshot:
        fields = Fields(load_object(raw))
        seq = fields.integer("seq", 0, 2**53)
        ts = _ts(fields)
        calls = tuple(BoardCall.read(item) for item in fields.objects("calls", MAX_BOARD_CALLS))
        waiting: dict[str, int] = {}
        for service, count in fields.mapping("waiting").items():
            check_text(service, "waiting key", SERVICE_RE, 16)
            waiting[service] = check_integer(count, f"waiting.{service}", 0, MAX_WAITING)
        epoch = fields.text("epoch", EPOCH_RE, 16, required=False)
        return cls(seq=seq, ts=ts, calls=calls, waiting=waiting, epoch=epoch)

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "seq": self.seq,
                    "ts": format_ts(self.ts),
                    "calls": [call.fields() for call in self.calls],
                    "waiting": dict(self.waiting),
                    "epoch": self.epoch,
                }
            )
        )


@dataclass(frozen=True)
class NoticePage:
    """One information page: a title and its lines."""

    title: str
    lines: tuple[str, ...]

    @classmethod
    def read(cls, fields: Fields) -> NoticePage:
        return cls(
            title=fields.text("title", max_len=MAX_PAGE_TITLE_CHARS, required=False) or "",
            lines=fields.texts("lines", MAX_PAGE_LINES, MAX_PAGE_LINE_CHARS),
        )


@dataclass(frozen=True)
class Notice:
    """Marquee lines and information pages; an empty notice clears the board's."""

    marquee: tuple[str, ...] = ()
    pages: tuple[NoticePage, ...] = ()
    ts: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not self.marquee and not self.pages

    @classmethod
    def parse(cls, raw: bytes) -> Notice:
        """``{p}/notice`` or ``{root}/_all/notice``; ``{"v":1}`` clears."""
        fields = Fields(load_object(raw, MAX_NOTICE_BYTES))
        return cls(
            marquee=fields.texts("marquee", MAX_MARQUEE_ITEMS, MAX_MARQUEE_CHARS),
            pages=tuple(
                NoticePage.read(page) for page in fields.objects("pages", MAX_PAGES, False)
            ),
            ts=fields.timestamp("ts", required=False),
        )

    def payload(self) -> bytes:
        body: dict[str, Any] = {}
        if self.marquee:
            body["marquee"] = list(self.marquee)
        if self.pages:
            body["pages"] = [{"title": p.title, "lines": list(p.lines)} for p in self.pages]
        if self.ts is not None:
            body["ts"] = format_ts(self.ts)
        return encode(body)


@dataclass(frozen=True)
class ScopedNotice:
    """A Notice with where it came from: the branch (``_all``) or this site."""

    scope: str  # "branch" or "site"
    notice: Notice


@dataclass(frozen=True)
class CounterRequest:
    """A counter asks for the next customer, a recall, a skip, a transfer, a pause (and the
    resume), a given ticket out of order (``call``), or says its customer is served
    (``done``)."""

    id: str
    counter: str
    """From the topic, not the payload."""
    action: str
    ts: datetime
    to_service: str | None = None
    """``transfer``: the service whose queue the current ticket joins, at its head."""
    ticket: str | None = None
    """``call``: the waiting ticket to call."""
    reason: str | None = None
    """``pause``: why, in a few words (lunch, break), for the counter's screen and figures."""

    @classmethod
    def parse(cls, raw: bytes, counter: str) -> CounterRequest:
        """``{p}/counter/{counter}/request``: the counter is the topic's."""
        fields = Fields(load_object(raw))
        action = fields.req_choice("action", COUNTER_ACTIONS)
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            counter=check_text(counter, "counter (topic)", COUNTER_RE, 16),
            action=action,
            ts=_ts(fields),
            to_service=fields.text("to_service", SERVICE_RE, 16, required=action == "transfer"),
            ticket=fields.text("ticket", TICKET_RE, 6, required=action == "call"),
            reason=fields.text("reason", max_len=MAX_REASON_CHARS, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "action": self.action,
                    "ts": format_ts(self.ts),
                    "to_service": self.to_service,
                    "ticket": self.ticket,
                    "reason": self.reason,
                }
            )
        )


@dataclass(frozen=True)
class CounterState:
    """What a counter serves now (retained): its LED follows it."""

    counter: str
    ticket: str | None
    waiting: int
    ts: datetime
    open: bool | None = None
    """False while the counter is paused (absent from older engines: taken as open)."""
    serving_since: datetime | None = None
    reason: str | None = None
    """Why the counter is paused, as the teller said it (callboard's own; absent when open
    or when no reason was given): the counter's screen shows it under "Closed"."""

    @property
    def is_open(self) -> bool:
        return self.open is not False

    @classmethod
    def parse(cls, raw: bytes, counter: str | None = None) -> CounterState:
        """``{p}/counter/{counter}/state``; with ``counter``, it must be the topic's."""
        obj = load_object(raw)
        fields = Fields(obj)
        ticket = obj.get("ticket")
        state = cls(
            counter=fields.req_text("counter", COUNTER_RE),
            ticket=None if ticket is None else check_text(ticket, "ticket", TICKET_RE, 6),
            waiting=fields.integer("waiting", 0, MAX_WAITING) if "waiting" in obj else 0,
            ts=_ts(fields),
            open=fields.flag("open"),
            serving_since=fields.timestamp("serving_since", required=False),
            reason=fields.text("reason", max_len=MAX_REASON_CHARS, required=False) or None,
        )
        if counter is not None and state.counter != counter:
            raise ContractError(
                f"field 'counter' = {state.counter!r} is not the topic's {counter!r}"
            )
        return state

    def payload(self) -> bytes:
        body: dict[str, Any] = {
            "counter": self.counter,
            "ticket": self.ticket,
            "waiting": self.waiting,
            "ts": format_ts(self.ts),
        }
        if self.open is not None:
            body["open"] = self.open
        if self.serving_since is not None:
            body["serving_since"] = format_ts(self.serving_since)
        if self.reason:
            body["reason"] = self.reason
        return encode(body)


@dataclass(frozen=True)
class TicketRequest:
    """A ticket machine asks for a ticket of a service."""

    id: str
    service: str
    ts: datetime
    lang: str | None = None

    @classmethod
    def parse(cls, raw: bytes) -> TicketRequest:
        fields = Fields(load_object(raw))
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            service=fields.req_text("service", SERVICE_RE),
            ts=_ts(fields),
            lang=fields.text("lang", LANG_RE, 12, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "service": self.service,
                    "ts": format_ts(self.ts),
                    "lang": self.lang,
                }
            )
        )


@dataclass(frozen=True)
class TicketIssued:
    """The engine's answer to a TicketRequest: the customer's number."""

    id: str
    request_id: str
    ticket: str
    service: str
    waiting_before: int
    ts: datetime
    lang: str | None = None
    est_wait_s: int | None = None

    @classmethod
    def parse(cls, raw: bytes) -> TicketIssued:
        fields = Fields(load_object(raw))
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            request_id=fields.req_text("request_id", ID_RE, 128),
            ticket=fields.req_text("ticket", TICKET_RE),
            service=fields.req_text("service", SERVICE_RE),
            waiting_before=fields.integer("waiting_before", 0, MAX_WAITING),
            ts=_ts(fields),
            lang=fields.text("lang", LANG_RE, 12, required=False),
            est_wait_s=fields.opt_integer("est_wait_s", 0, 10**6),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "request_id": self.request_id,
                    "ticket": self.ticket,
                    "service": self.service,
                    "waiting_before": self.waiting_before,
                    "ts": format_ts(self.ts),
                    "lang": self.lang,
                    "est_wait_s": self.est_wait_s,
                }
            )
        )


# The parsers as plain functions, for callers (tests, tools) that like them that way.
parse_call = CallEvent.parse
parse_board = BoardSnapshot.parse
parse_notice = Notice.parse
parse_counter_request = CounterRequest.parse
parse_counter_state = CounterState.parse
parse_ticket_request = TicketRequest.parse
parse_ticket_issued = TicketIssued.parse
parse_ticket_refused = TicketRefused.parse
parse_status = DeviceStatus.parse


def ack_payload(call_id: str, event: str, moment: datetime) -> bytes:
    """Ack: proof that a call reached the screen (``shown``) or the speaker (``spoken``)."""
    return Ack(call_id, event, moment).payload()


assert VERSION == 1
