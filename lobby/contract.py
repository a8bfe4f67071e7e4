"""The MQTT contract, version 1: typed messages and a strict validator for each payload.

The validator is hand-written rather than a JSON Schema library at run time: it returns
frozen dataclasses the rest of the program can trust (no ``dict`` travels past here), it
says in one short line why a payload was refused, and it keeps the Pi's runtime free of
another dependency. The JSON Schema files in ``docs/schema/`` remain the public, portable
description for other vendors, and the tests feed one corpus of payloads through both so
that the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lobby.errors import ContractError

VERSION = 1
MAX_PAYLOAD_BYTES = 4096
MAX_BOARD_CALLS = 20

ID_RE = re.compile(r"[^\x00-\x1f\x7f]{1,128}")
COUNTER_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
SERVICE_RE = COUNTER_RE
TICKET_RE = re.compile(r"[A-Z]{0,2}[0-9]{1,4}")
TS_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
CALL_KINDS = ("call", "recall")

MAX_MARQUEE_ITEMS = 10
MAX_MARQUEE_CHARS = 200
MAX_PAGES = 12
MAX_PAGE_TITLE_CHARS = 80
MAX_PAGE_LINES = 16
MAX_PAGE_LINE_CHARS = 200
MAX_WAITING = 99999


@dataclass(frozen=True)
class BoardCall:
    """One call as the board lists it (from a CallEvent or a BoardSnapshot)."""

    id: str
    ticket: str
    counter: str
    service: str
    ts: datetime
    kind: str = "call"


@dataclass(frozen=True)
class CallEvent:
    """A ticket is called (or recalled) to a counter: ``{p}/call``."""

    id: str
    ticket: str
    counter: str
    service: str
    kind: str
    ts: datetime

    def as_board_call(self) -> BoardCall:
        return BoardCall(self.id, self.ticket, self.counter, self.service, self.ts, self.kind)


@dataclass(frozen=True)
class BoardSnapshot:
    """The whole board as the queue engine knows it: ``{p}/board`` (retained)."""

    seq: int
    ts: datetime
    calls: tuple[BoardCall, ...]
    waiting: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class NoticePage:
    """One information page: a title and its lines."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """Marquee lines and information pages; an empty notice clears the board's."""

    marquee: tuple[str, ...] = ()
    pages: tuple[NoticePage, ...] = ()
    ts: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not self.marquee and not self.pages


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_object(raw: bytes) -> dict[str, Any]:
    """Decode one payload into a JSON object that claims contract version 1."""
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ContractError(f"payload of {len(raw)} bytes is over the {MAX_PAYLOAD_BYTES}-byte cap")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ContractError("payload is not UTF-8 text") from None
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ContractError("payload is not valid JSON") from None
    if not isinstance(obj, dict):
        raise ContractError(f"payload is a JSON {_json_type(obj)}, expected an object")
    if "v" not in obj:
        raise ContractError("missing required field 'v'")
    version = obj["v"]
    if not _is_integer(version):
        raise ContractError(f"field 'v' is a {_json_type(version)}, expected the integer {VERSION}")
    if version > VERSION:
        raise ContractError(f"version v={int(version)} is newer than this device's v{VERSION}")
    if version != VERSION:
        raise ContractError(f"version v={int(version)} is not a contract version")
    return obj


def _is_integer(value: object) -> bool:
    """JSON has one number type: a number with no fraction is an integer (as in JSON Schema)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Fields:
    """Typed reads from one JSON object; every failure names the field."""

    def __init__(self, obj: Mapping[str, Any], where: str = "") -> None:
        self._obj = obj
        self._where = where

    def _name(self, key: str) -> str:
        return f"{self._where}{key}"

    def _get(self, key: str, required: bool) -> Any:
        if key not in self._obj:
            if required:
                raise ContractError(f"missing required field '{self._name(key)}'")
            return None
        value = self._obj[key]
        if value is None and required:
            raise ContractError(f"field '{self._name(key)}' is null, expected a value")
        return value

    def text(
        self,
        key: str,
        pattern: re.Pattern[str] | None = None,
        max_len: int = 200,
        required: bool = True,
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        return check_text(value, self._name(key), pattern, max_len)

    def req_text(self, key: str, pattern: re.Pattern[str] | None = None, max_len: int = 200) -> str:
        value = self.text(key, pattern, max_len, required=True)
        assert value is not None
        return value

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        value = self._get(key, True)
        return check_integer(value, self._name(key), minimum, maximum)

    def timestamp(self, key: str, required: bool = True) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        return parse_ts(check_text(value, self._name(key), TS_RE, 40), self._name(key))

    def req_timestamp(self, key: str) -> datetime:
        value = self.timestamp(key, required=True)
        assert value is not None
        return value

    def array(self, key: str, max_items: int, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ContractError(
                f"field '{self._name(key)}' is a {_json_type(value)}, expected an array"
            )
        if len(value) > max_items:
            raise ContractError(
                f"field '{self._name(key)}' has {len(value)} items, at most {max_items}"
            )
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self._get(key, True)
        if not isinstance(value, dict):
            raise ContractError(
                f"field '{self._name(key)}' is a {_json_type(value)}, expected an object"
            )
        return value


def check_text(value: object, name: str, pattern: re.Pattern[str] | None, max_len: int) -> str:
    if not isinstance(value, str):
        raise ContractError(f"field '{name}' is a {_json_type(value)}, expected a string")
    if len(value) > max_len:
        raise ContractError(f"field '{name}' has {len(value)} characters, at most {max_len}")
    if pattern is not None and not pattern.fullmatch(value):
        raise ContractError(f"field '{name}' = {value[:40]!r} does not match {pattern.pattern}")
    if pattern is None and _CONTROL_RE.search(value):
        raise ContractError(f"field '{name}' holds a control character")
    return value


def check_integer(value: object, name: str, minimum: int, maximum: int) -> int:
    if not _is_integer(value):
        raise ContractError(f"field '{name}' is a {_json_type(value)}, expected an integer")
    number = int(value)  # type: ignore[call-overload]
    if not minimum <= number <= maximum:
        raise ContractError(f"field '{name}' = {number} is outside {minimum}..{maximum}")
    return number


def parse_ts(text: str, name: str = "ts") -> datetime:
    """An RFC 3339 time with offset, as an aware datetime."""
    normal = text.upper().replace("Z", "+00:00")
    head, dot, tail = normal.partition(".")
    if dot:  # Python 3.11 takes at most 6 fractional digits
        digits = re.match(r"[0-9]+", tail)
        assert digits is not None
        normal = f"{head}.{digits.group()[:6].ljust(6, '0')}{tail[digits.end() :]}"
    try:
        return datetime.fromisoformat(normal)
    except ValueError:
        raise ContractError(f"field '{name}' = {text!r} is not a real date and time") from None


def format_ts(moment: datetime, millis: bool = True) -> str:
    """RFC 3339 with offset; milliseconds where the time was measured."""
    return moment.isoformat(timespec="milliseconds" if millis else "seconds")


def _kind(fields: Fields) -> str:
    kind = fields.req_text("kind", max_len=16)
    if kind not in CALL_KINDS:
        raise ContractError(f"field 'kind' = {kind!r} is not one of {', '.join(CALL_KINDS)}")
    return kind


def parse_call(raw: bytes) -> CallEvent:
    """Validate a ``{p}/call`` payload."""
    fields = Fields(load_object(raw))
    return CallEvent(
        id=fields.req_text("id", ID_RE, 128),
        ticket=fields.req_text("ticket", TICKET_RE),
        counter=fields.req_text("counter", COUNTER_RE),
        service=fields.req_text("service", SERVICE_RE),
        kind=_kind(fields),
        ts=fields.req_timestamp("ts"),
    )


def _board_call(item: object, index: int) -> BoardCall:
    where = f"calls[{index}]."
    if not isinstance(item, dict):
        raise ContractError(f"field 'calls[{index}]' is a {_json_type(item)}, expected an object")
    fields = Fields(item, where)
    kind = fields.text("kind", max_len=16, required=False) or "call"
    if kind not in CALL_KINDS:
        raise ContractError(f"field '{where}kind' = {kind!r} is not one of {', '.join(CALL_KINDS)}")
    return BoardCall(
        id=fields.req_text("id", ID_RE, 128),
        ticket=fields.req_text("ticket", TICKET_RE),
        counter=fields.req_text("counter", COUNTER_RE),
        service=fields.req_text("service", SERVICE_RE),
        ts=fields.req_timestamp("ts"),
        kind=kind,
    )


def parse_board(raw: bytes) -> BoardSnapshot:
    """Validate a ``{p}/board`` payload (calls newest first)."""
    fields = Fields(load_object(raw))
    seq = fields.integer("seq", 0, 2**53)
    ts = fields.req_timestamp("ts")
    calls = tuple(
        _board_call(item, i) for i, item in enumerate(fields.array("calls", MAX_BOARD_CALLS))
    )
    waiting: dict[str, int] = {}
    for service, count in fields.mapping("waiting").items():
        check_text(service, "waiting key", SERVICE_RE, 16)
        waiting[service] = check_integer(count, f"waiting.{service}", 0, MAX_WAITING)
    return BoardSnapshot(seq=seq, ts=ts, calls=calls, waiting=waiting)


def _page(item: object, index: int) -> NoticePage:
    where = f"pages[{index}]."
    if not isinstance(item, dict):
        raise ContractError(f"field 'pages[{index}]' is a {_json_type(item)}, expected an object")
    fields = Fields(item, where)
    title = fields.text("title", max_len=MAX_PAGE_TITLE_CHARS, required=False) or ""
    lines = tuple(
        check_text(line, f"{where}lines[{i}]", None, MAX_PAGE_LINE_CHARS)
        for i, line in enumerate(fields.array("lines", MAX_PAGE_LINES, required=False))
    )
    return NoticePage(title=title, lines=lines)


def parse_notice(raw: bytes) -> Notice:
    """Validate a Notice (``{p}/notice`` or ``{root}/_all/notice``); ``{"v":1}`` clears."""
    fields = Fields(load_object(raw))
    marquee = tuple(
        check_text(line, f"marquee[{i}]", None, MAX_MARQUEE_CHARS)
        for i, line in enumerate(fields.array("marquee", MAX_MARQUEE_ITEMS, required=False))
    )
    pages = tuple(
        _page(item, i) for i, item in enumerate(fields.array("pages", MAX_PAGES, required=False))
    )
    return Notice(marquee=marquee, pages=pages, ts=fields.timestamp("ts", required=False))


def encode(payload: Mapping[str, Any]) -> bytes:
    """Serialise an outbound payload: compact UTF-8 JSON with ``v`` first."""
    return json.dumps({"v": VERSION, **payload}, ensure_ascii=False, separators=(",", ":")).encode()


def ack_payload(call_id: str, event: str, moment: datetime) -> bytes:
    """Ack: proof that a call reached the screen (``shown``) or the speaker (``spoken``)."""
    return encode({"call_id": call_id, "event": event, "ts": format_ts(moment)})


@dataclass(frozen=True)
class ScopedNotice:
    """A Notice with where it came from: the branch (``_all``) or this site."""

    scope: str  # "branch" or "site"
    notice: Notice


COUNTER_ACTIONS = ("next", "recall", "skip", "transfer")


@dataclass(frozen=True)
class CounterState:
    """What a counter serves now (retained): its LED follows it."""

    counter: str
    ticket: str | None
    waiting: int
    ts: datetime


def parse_counter_state(raw: bytes) -> CounterState:
    """Validate a ``{p}/counter/{counter}/state`` payload (``ticket`` null when idle)."""
    obj = load_object(raw)
    fields = Fields(obj)
    ticket = obj.get("ticket")
    return CounterState(
        counter=fields.req_text("counter", COUNTER_RE),
        ticket=None if ticket is None else check_text(ticket, "ticket", TICKET_RE, 6),
        waiting=fields.integer("waiting", 0, MAX_WAITING) if "waiting" in obj else 0,
        ts=fields.req_timestamp("ts"),
    )


def counter_request_payload(
    request_id: str, action: str, moment: datetime, to_service: str | None = None
) -> bytes:
    """CounterRequest: a counter asks the queue engine for the next customer (or more)."""
    body: dict[str, Any] = {"id": request_id, "action": action, "ts": format_ts(moment)}
    if to_service is not None:
        body["to_service"] = to_service
    return encode(body)


@dataclass(frozen=True)
class CounterRequest:
    """A counter asks for the next customer, a recall, a skip or a transfer."""

    id: str
    counter: str
    action: str
    ts: datetime
    to_service: str | None = None


@dataclass(frozen=True)
class TicketRequest:
    """A ticket machine asks for a ticket of a service."""

    id: str
    service: str
    ts: datetime


def parse_counter_request(raw: bytes, counter: str) -> CounterRequest:
    """Validate a ``{p}/counter/{counter}/request`` payload (the counter is the topic's)."""
    obj = load_object(raw)
    fields = Fields(obj)
    action = fields.req_text("action", max_len=16)
    if action not in COUNTER_ACTIONS:
        raise ContractError(
            f"field 'action' = {action!r} is not one of {', '.join(COUNTER_ACTIONS)}"
        )
    to_service = fields.text("to_service", SERVICE_RE, 16, required=action == "transfer")
    return CounterRequest(
        id=fields.req_text("id", ID_RE, 128),
        counter=check_text(counter, "counter (topic)", COUNTER_RE, 16),
        action=action,
        ts=fields.req_timestamp("ts"),
        to_service=to_service,
    )


def parse_ticket_request(raw: bytes) -> TicketRequest:
    """Validate a ``{p}/ticket/request`` payload."""
    fields = Fields(load_object(raw))
    return TicketRequest(
        id=fields.req_text("id", ID_RE, 128),
        service=fields.req_text("service", SERVICE_RE),
        ts=fields.req_timestamp("ts"),
    )


def parse_ticket_issued(raw: bytes) -> dict[str, Any]:
    """Validate a TicketIssued (for the command-line ticket machine)."""
    obj = load_object(raw)
    fields = Fields(obj)
    return {
        "id": fields.req_text("id", ID_RE, 128),
        "request_id": fields.req_text("request_id", ID_RE, 128),
        "ticket": fields.req_text("ticket", TICKET_RE),
        "service": fields.req_text("service", SERVICE_RE),
        "waiting_before": fields.integer("waiting_before", 0, MAX_WAITING),
    }
