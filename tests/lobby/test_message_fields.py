"""Every field of every message: read at its limits, refused one step past them, and the
reason naming it (a field inside an array with its place: ``calls[0].ticket``).

Each message has a good payload with every field present; each case changes one field
(or leaves it out) and says what the parsed message holds or the exact reason it is refused.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from lobby import contract as c
from lobby.errors import ContractError
from lobby.refusal import REASON_RE
from lobby.wire import (
    COUNTER_RE,
    DEVICE_RE,
    EPOCH_RE,
    ID_RE,
    INSTANCE_RE,
    LANG_RE,
    MAX_PAYLOAD_BYTES,
    SERVICE_RE,
    TICKET_RE,
    TS_RE,
    parse_ts,
)

TS = "2026-11-24T10:15:02+08:00"
LEFT_OUT = object()


@dataclass(frozen=True)
class Text:
    pattern: re.Pattern[str] | None
    cap: int
    longest: str
    """A value the field takes at its longest."""
    unlike: str
    """A short value the field refuses for its form (a control character, with no pattern)."""
    required: bool = True
    absent: Any = None


@dataclass(frozen=True)
class Integer:
    low: int
    high: int
    required: bool = True
    absent: Any = None
    null_ok: bool | None = None


@dataclass(frozen=True)
class Choice:
    choices: tuple[str, ...]
    required: bool = True
    absent: Any = None


@dataclass(frozen=True)
class Time:
    required: bool = True
    absent: Any = None


@dataclass(frozen=True)
class Items:
    most: int
    item: Any
    objects: bool
    required: bool = True
    absent: Any = 0
    """How many items the message holds when the field is left out."""


Rule = Text | Integer | Choice | Time | Items
Path = tuple[str | int, ...]

ID = Text(ID_RE, 128, "i" * 128, "c-\x01")
TICKET = Text(TICKET_RE, 200, "AB1234", "a023")
COUNTER = Text(COUNTER_RE, 200, "c" * 16, "3/4")
SERVICE = Text(SERVICE_RE, 200, "s" * 16, "gen eral")
EPOCH = Text(EPOCH_RE, 16, "e" * 16, "4E1E", required=False)
LANG = Text(LANG_RE, 12, "yue-12345678", "english", required=False)
DEVICE = Text(DEVICE_RE, 32, "d" * 32, "pi 1")
INSTANCE = Text(INSTANCE_RE, 32, "f" * 32, "3fa2/b1c0")
CALL_ITEM = {"id": "c-1", "ticket": "A023", "counter": "3", "service": "general", "ts": TS}


@dataclass(frozen=True)
class Message:
    parse: Callable[[bytes], Any]
    good: dict[str, Any]
    fields: dict[Path, Rule]
    cap: int = MAX_PAYLOAD_BYTES


MESSAGES: dict[str, Message] = {
    "call": Message(
        c.CallEvent.parse,
        {
            **CALL_ITEM,
            "v": 1,
            "kind": "call",
            "epoch": "4e1e7a3e",
            "request_id": "b-1",
            "lang": "zh",
            "waited_s": 1200,
        },
        {
            ("id",): ID,
            ("ticket",): TICKET,
            ("counter",): COUNTER,
            ("service",): SERVICE,
            ("kind",): Choice(c.CALL_KINDS),
            ("ts",): Time(),
            ("epoch",): EPOCH,
            ("request_id",): replace(ID, required=False),
            ("lang",): LANG,
            ("waited_s",): Integer(0, c.MAX_WAITED_S, required=False),
        },
    ),
    "board": Message(
        c.BoardSnapshot.parse,
        {
            "v": 1,
            "seq": 5,
            "ts": TS,
            "calls": [{**CALL_ITEM, "kind": "recall"}],
            "waiting": {"general": 7},
            "epoch": "4e1e7a3e",
        },
        {
            ("seq",): Integer(0, 2**53),
            ("ts",): Time(),
            ("calls",): Items(c.MAX_BOARD_CALLS, CALL_ITEM, objects=True),
            ("calls", 0, "id"): ID,
            ("calls", 0, "ticket"): TICKET,
            ("calls", 0, "counter"): COUNTER,
            ("calls", 0, "service"): SERVICE,
            ("calls", 0, "ts"): Time(),
            ("calls", 0, "kind"): Choice(c.CALL_KINDS, required=False, absent="call"),
            ("epoch",): EPOCH,
        },
    ),
    "notice": Message(
        c.Notice.parse,
        {
            "v": 1,
            "marquee": ["欢迎光临"],
            "pages": [{"title": "理赔", "lines": ["身份证"]}],
            "ts": TS,
        },
        {
            ("marquee",): Items(c.MAX_MARQUEE_ITEMS, "欢迎", objects=False, required=False),
            ("marquee", 0): Text(None, c.MAX_MARQUEE_CHARS, "欢" * 80, "a\x1b[2Jb"),
            ("pages",): Items(c.MAX_PAGES, {"title": "t"}, objects=True, required=False),
            ("pages", 0, "title"): Text(
                None, c.MAX_PAGE_TITLE_CHARS, "材" * 32, "a\nb", required=False, absent=""
            ),
            ("pages", 0, "lines"): Items(c.MAX_PAGE_LINES, "l", objects=False, required=False),
            ("pages", 0, "lines", 0): Text(None, c.MAX_PAGE_LINE_CHARS, "理" * 50, "a\tb"),
            ("ts",): Time(required=False),
        },
        cap=c.MAX_NOTICE_BYTES,
    ),
    "counter_request": Message(
        lambda raw: c.CounterRequest.parse(raw, "3"),
        {
            "v": 1,
            "id": "b-1",
            "action": "next",
            "ts": TS,
            "to_service": "cashier",
            "ticket": "A023",
            "reason": "lunch",
        },
        {
            ("id",): ID,
            ("action",): Choice(c.COUNTER_ACTIONS),
            ("ts",): Time(),
            ("to_service",): Text(SERVICE_RE, 16, "s" * 16, "cash ier", required=False),
            ("ticket",): Text(TICKET_RE, 6, "AB1234", "a023", required=False),
            ("reason",): Text(None, c.MAX_REASON_CHARS, "午" * 40, "a\x1bb", required=False),
        },
    ),
    "call_a_ticket": Message(
        lambda raw: c.CounterRequest.parse(raw, "3"),
        {"v": 1, "id": "b-1", "action": "call", "ts": TS, "ticket": "A023"},
        {("ticket",): Text(TICKET_RE, 6, "AB1234", "a023")},
    ),
    "transfer": Message(
        lambda raw: c.CounterRequest.parse(raw, "3"),
        {"v": 1, "id": "b-1", "action": "transfer", "ts": TS, "to_service": "cashier"},
        {("to_service",): Text(SERVICE_RE, 16, "s" * 16, "cash ier")},
    ),
    "counter_state": Message(
        c.CounterState.parse,
        {"v": 1, "counter": "3", "ticket": "A023", "waiting": 7, "ts": TS},
        {
            ("counter",): COUNTER,
            ("ticket",): Text(TICKET_RE, 6, "AB1234", "a023", required=False),
            ("waiting",): Integer(0, c.MAX_WAITING, required=False, absent=0, null_ok=False),
            ("ts",): Time(),
        },
    ),
    "ticket_request": Message(
        c.TicketRequest.parse,
        {"v": 1, "id": "k-1", "service": "general", "ts": TS, "lang": "zh"},
        {("id",): ID, ("service",): SERVICE, ("ts",): Time(), ("lang",): LANG},
    ),
    "ticket_issued": Message(
        c.TicketIssued.parse,
        {
            "v": 1,
            "id": "t-1",
            "request_id": "k-1",
            "ticket": "A024",
            "service": "general",
            "waiting_before": 6,
            "ts": TS,
            "lang": "zh",
            "est_wait_s": 300,
        },
        {
            ("id",): ID,
            ("request_id",): ID,
            ("ticket",): TICKET,
            ("service",): SERVICE,
            ("waiting_before",): Integer(0, c.MAX_WAITING),
            ("ts",): Time(),
            ("lang",): LANG,
            ("est_wait_s",): Integer(0, 10**6, required=False),
        },
    ),
    "ticket_refused": Message(
        c.TicketRefused.parse,
        {
            "v": 1,
            "id": "tr-1",
            "request_id": "k-1",
            "service": "general",
            "reason": "closed",
            "opens": "2026-11-25T08:30:00+08:00",
            "ts": TS,
            "lang": "zh",
        },
        {
            ("id",): ID,
            ("request_id",): ID,
            ("service",): Text(SERVICE_RE, 16, "s" * 16, "gen eral"),
            ("reason",): Text(REASON_RE, 32, "r" * 32, "Closed"),
            ("opens",): Time(required=False),
            ("ts",): Time(),
            ("lang",): LANG,
        },
    ),
    "status": Message(
        c.DeviceStatus.parse,
        {
            "v": 1,
            "device": "lobby-pi-1",
            "state": "online",
            "version": "0.2.0",
            "ts": TS,
            "uptime_s": 3600,
            "rejected": 0,
            "role": "display",
            "instance": "3fa2b1c0",
            "faults": ["no sound"],
        },
        {
            ("device",): DEVICE,
            ("state",): Choice(c.DEVICE_STATES),
            ("version",): Text(None, 40, "v" * 40, "0.2\x00"),
            ("ts",): Time(),
            ("uptime_s",): Integer(0, 2**53),
            ("rejected",): Integer(0, 2**53),
            ("role",): Text(None, 16, "r" * 16, "dis\x7fplay", required=False),
            ("instance",): replace(INSTANCE, required=False),
            ("faults",): Items(c.MAX_FAULTS, "no sound", objects=False, required=False),
            ("faults", 0): Text(None, c.MAX_FAULT_CHARS, "f" * 200, "a\x00"),
        },
    ),
    "ack": Message(
        c.Ack.parse,
        {"v": 1, "call_id": "c-1", "event": "shown", "ts": TS, "instance": "3fa2b1c0"},
        {
            ("call_id",): ID,
            ("event",): Choice(c.ACK_EVENTS),
            ("ts",): Time(),
            ("instance",): replace(INSTANCE, required=False),
        },
    ),
    "record": Message(
        c.FinishedTicket.parse,
        {
            "v": 1,
            "id": "r-4e1e7a3e-2026-11-24-A023",
            "rev": 2,
            "ticket": "A023",
            "day": "2026-11-24",
            "service": "cashier",
            "first_service": "general",
            "outcome": "served",
            "counter": "3",
            "issued_at": TS,
            "called_at": TS,
            "served_at": TS,
            "done_at": TS,
            "waited_s": 1200,
            "served_s": 300,
            "transfers": 1,
            "lang": "en",
            "score": 2,
            "scale": 3,
            "epoch": "4e1e7a3e",
            "ts": TS,
        },
        {
            ("id",): ID,
            ("rev",): Integer(1, 100),
            ("ticket",): Text(TICKET_RE, 6, "AB1234", "a023"),
            ("service",): Text(SERVICE_RE, 16, "s" * 16, "gen eral"),
            ("first_service",): Text(SERVICE_RE, 16, "s" * 16, "gen eral"),
            ("outcome",): Choice(c.OUTCOMES),
            ("counter",): Text(COUNTER_RE, 16, "c" * 16, "3/4"),
            ("issued_at",): Time(),
            ("called_at",): Time(),
            ("served_at",): Time(required=False),
            ("done_at",): Time(),
            ("waited_s",): Integer(0, 10**6),
            ("served_s",): Integer(0, 10**6, required=False),
            ("transfers",): Integer(0, 100, required=False, absent=0),
            ("lang",): LANG,
            ("epoch",): EPOCH,
            ("ts",): Time(),
        },
    ),
    "lease": Message(
        c.EngineLease.parse,
        {
            "v": 1,
            "state": "held",
            "instance": "3fa2b1c0",
            "device": "pi-1-queue",
            "ts": TS,
            "epoch": "4e1e7a3e",
            "nonce": "ab12",
        },
        {
            ("state",): Choice(c.LEASE_STATES),
            ("instance",): INSTANCE,
            ("device",): DEVICE,
            ("ts",): Time(),
            ("epoch",): EPOCH,
            ("nonce",): EPOCH,
        },
    ),
}


def name_of(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def with_value(good: dict[str, Any], path: Path, value: Any) -> bytes:
    body = copy.deepcopy(good)
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    if value is LEFT_OUT:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return json.dumps(body, ensure_ascii=False).encode()


def read_back(message: Any, path: Path) -> Any:
    for step in path:
        message = message[step] if isinstance(step, int) else getattr(message, step)
    return message


def cases(rule: Rule, path: Path) -> list[tuple[Any, str, Any]]:
    """(value, "reads" or "refused", what the message holds at the path, or the reason)."""
    n = name_of(path)
    out: list[tuple[Any, str, Any]] = []
    if isinstance(rule, Text):
        form = (
            f"field '{n}' holds a control character"
            if rule.pattern is None
            else f"field '{n}' = {rule.unlike!r} does not match {rule.pattern.pattern}"
        )
        out += [
            (rule.longest, "reads", rule.longest),
            (
                "x" * (rule.cap + 1),
                "refused",
                f"field '{n}' has {rule.cap + 1} characters, at most {rule.cap}",
            ),
            (rule.unlike, "refused", form),
            (5, "refused", f"field '{n}' is a number, expected a string"),
        ]
    elif isinstance(rule, Integer):
        low, high = rule.low, rule.high
        out += [
            (low, "reads", low),
            (float(high), "reads", high),
            (low - 1, "refused", f"field '{n}' = {low - 1} is outside {low}..{high}"),
            (high + 1, "refused", f"field '{n}' = {high + 1} is outside {low}..{high}"),
            (str(low), "refused", f"field '{n}' is a string, expected an integer"),
            (low + 0.5, "refused", f"field '{n}' is a number, expected an integer"),
            (True, "refused", f"field '{n}' is a boolean, expected an integer"),
        ]
    elif isinstance(rule, Choice):
        listed = ", ".join(rule.choices)
        out += [(choice, "reads", choice) for choice in rule.choices]
        out += [
            ("shout", "refused", f"field '{n}' = 'shout' is not one of {listed}"),
            (
                rule.choices[0].upper(),
                "refused",
                f"field '{n}' = {rule.choices[0].upper()!r} is not one of {listed}",
            ),
            ("x" * 17, "refused", f"field '{n}' has 17 characters, at most 16"),
            (["call"], "refused", f"field '{n}' is an array, expected a string"),
        ]
    elif isinstance(rule, Time):
        late = "2026-11-24T10:15:02.123456789+08:00" + "0" * 6
        out += [
            ("2026-11-24t02:15:02.5z", "reads", parse_ts("2026-11-24T10:15:02.5+08:00")),
            ("yesterday", "refused", f"field '{n}' = 'yesterday' does not match {TS_RE.pattern}"),
            (late, "refused", f"field '{n}' has 41 characters, at most 40"),
            (
                "2026-02-30T10:00:00+08:00",
                "refused",
                f"field '{n}' = '2026-02-30T10:00:00+08:00' is not a real date and time",
            ),
            (1764000000, "refused", f"field '{n}' is a number, expected a string"),
        ]
    else:
        what = "an object" if rule.objects else "a string"
        out += [
            ([rule.item] * rule.most, "reads", rule.most),
            (
                [rule.item] * (rule.most + 1),
                "refused",
                f"field '{n}' has {rule.most + 1} items, at most {rule.most}",
            ),
            ("x", "refused", f"field '{n}' is a string, expected an array"),
            ([None], "refused", f"field '{n}[0]' is null, expected {what}"),
            ([7], "refused", f"field '{n}[0]' is a number, expected {what}"),
        ]
    if isinstance(path[-1], str):  # a field of an object, not an item of an array
        absent = rule.absent
        if rule.required:
            out.append((LEFT_OUT, "refused", f"missing required field '{n}'"))
        else:
            out.append((LEFT_OUT, "reads", absent))
        null_ok = getattr(rule, "null_ok", None)
        if rule.required or null_ok is False:
            out.append((None, "refused", f"field '{n}' is null, expected a value"))
        else:
            out.append((None, "reads", absent))
    return out


def held(rule: Rule, read: Any) -> Any:
    """What the message holds at the path: for an array, how many items."""
    return len(read) if isinstance(rule, Items) else read


FIELD_CASES = [(kind, path) for kind, message in MESSAGES.items() for path in message.fields]


@pytest.mark.parametrize(
    ("kind", "path"), FIELD_CASES, ids=[f"{k}.{name_of(p)}" for k, p in FIELD_CASES]
)
def test_each_field_reads_within_its_limits_and_is_refused_past_them_by_name(
    kind: str, path: Path
) -> None:
    message = MESSAGES[kind]
    rule = message.fields[path]
    wrong = []
    for value, outcome, expected in cases(rule, path):
        raw = with_value(message.good, path, value)
        try:
            parsed = message.parse(raw)
        except ContractError as refused:
            got: tuple[str, Any] = ("refused", refused.reason)
        else:
            got = ("reads", held(rule, read_back(parsed, path)))
        if got != (outcome, expected):
            wrong.append(f"{value!r:.50}: expected {outcome} {expected!r}, got {got!r:.200}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_a_message_of_exactly_its_cap_is_read_and_one_byte_more_is_refused(kind: str) -> None:
    message = MESSAGES[kind]
    body = {**message.good, "pad": ""}
    size = len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    body["pad"] = "x" * (message.cap - size)
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(raw) == message.cap
    message.parse(raw)
    with pytest.raises(ContractError) as refused:
        message.parse(raw.replace(b'"pad":"', b'"pad":"x'))
    assert refused.value.reason == (
        f"payload of {message.cap + 1} bytes is over the {message.cap}-byte cap"
    )


def test_the_board_names_a_waiting_count_by_its_service() -> None:
    good = MESSAGES["board"].good

    def refusal(waiting: Any) -> str:
        with pytest.raises(ContractError) as refused:
            c.BoardSnapshot.parse(with_value(good, ("waiting",), waiting))
        return refused.value.reason

    longest = {"s" * 16: 0, "general": c.MAX_WAITING}
    assert c.BoardSnapshot.parse(with_value(good, ("waiting",), longest)).waiting == longest
    assert refusal({"gen eral": 7}) == (
        "field 'waiting key' = 'gen eral' does not match [A-Za-z0-9_-]{1,16}"
    )
    assert refusal({"s" * 17: 7}) == "field 'waiting key' has 17 characters, at most 16"
    assert refusal({"general": -1}) == "field 'waiting.general' = -1 is outside 0..99999"
    assert refusal({"vip": 100000}) == "field 'waiting.vip' = 100000 is outside 0..99999"
    assert refusal({"general": "7"}) == "field 'waiting.general' is a string, expected an integer"
    assert refusal([7]) == "field 'waiting' is an array, expected an object"
    assert refusal(None) == "field 'waiting' is null, expected a value"
    assert refusal(LEFT_OUT) == "missing required field 'waiting'"


def test_a_counter_request_takes_its_counter_from_the_topic() -> None:
    raw = with_value(MESSAGES["counter_request"].good, ("id",), "b-2")
    assert c.CounterRequest.parse(raw, "c" * 16).counter == "c" * 16
    for topic, reason in [
        ("3 4", "field 'counter (topic)' = '3 4' does not match [A-Za-z0-9_-]{1,16}"),
        ("c" * 17, "field 'counter (topic)' has 17 characters, at most 16"),
    ]:
        with pytest.raises(ContractError) as refused:
            c.CounterRequest.parse(raw, topic)
        assert refused.value.reason == reason


def test_a_counter_state_must_be_the_topic_counters() -> None:
    raw = json.dumps(MESSAGES["counter_state"].good).encode()
    assert c.CounterState.parse(raw, "3").counter == "3"
    with pytest.raises(ContractError) as refused:
        c.CounterState.parse(raw, "2")
    assert refused.value.reason == "field 'counter' = '3' is not the topic's '2'"


def test_a_status_keeps_what_it_does_not_know_as_figures() -> None:
    body = {**MESSAGES["status"].good, "frame_ms": 1.5, "board_seq": 7}
    status = c.DeviceStatus.parse(json.dumps(body).encode())
    assert status.figures == {"frame_ms": 1.5, "board_seq": 7}
