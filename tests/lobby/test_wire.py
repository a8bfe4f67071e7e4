"""The wire format under every message: the reads that name the field they refuse, the
version and size checks every payload passes first, and times as RFC 3339 writes them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby.errors import ContractError
from lobby.wire import (
    COUNTER_RE,
    MAX_PAYLOAD_BYTES,
    TS_RE,
    Fields,
    encode,
    format_ts,
    is_integer,
    json_type,
    load_object,
    parse_ts,
    without_none,
)

HZ = timezone(timedelta(hours=8))
TS = "2026-11-24T10:15:02+08:00"

# (where, key): a field at the top, and one inside an array of objects
NAMES = [("", "seq"), ("calls[3].", "ticket")]

Read = Callable[[Fields, str], Any]

# (a read, a value it refuses, the reason, with {n} for the field's full name)
REFUSALS: list[tuple[str, Read, Any, str]] = [
    ("text, a number", lambda f, k: f.text(k), 5, "field '{n}' is a number, expected a string"),
    (
        "text, a boolean",
        lambda f, k: f.text(k),
        True,
        "field '{n}' is a boolean, expected a string",
    ),
    ("text, an array", lambda f, k: f.text(k), [], "field '{n}' is an array, expected a string"),
    ("text, an object", lambda f, k: f.text(k), {}, "field '{n}' is an object, expected a string"),
    (
        "text over its cap",
        lambda f, k: f.text(k, max_len=3),
        "abcd",
        "field '{n}' has 4 characters, at most 3",
    ),
    (
        "text over 200",
        lambda f, k: f.text(k),
        "x" * 201,
        "field '{n}' has 201 characters, at most 200",
    ),
    (
        "text, a control character",
        lambda f, k: f.text(k),
        "a\x07b",
        "field '{n}' holds a control character",
    ),
    (
        "text unlike its pattern, quoted to 40 characters",
        lambda f, k: f.text(k, COUNTER_RE),
        "a b" + "c" * 60,
        "field '{n}' = 'a b" + "c" * 37 + "' does not match [A-Za-z0-9_-]{{1,16}}",
    ),
    (
        "req_text, a number",
        lambda f, k: f.req_text(k),
        5,
        "field '{n}' is a number, expected a string",
    ),
    (
        "req_text over 200",
        lambda f, k: f.req_text(k),
        "x" * 201,
        "field '{n}' has 201 characters, at most 200",
    ),
    (
        "choice not listed",
        lambda f, k: f.choice(k, ("a", "b")),
        "c",
        "field '{n}' = 'c' is not one of a, b",
    ),
    (
        "choice over 16",
        lambda f, k: f.choice(k, ("y" * 17,)),
        "y" * 17,
        "field '{n}' has 17 characters, at most 16",
    ),
    (
        "req_choice not listed",
        lambda f, k: f.req_choice(k, ("a", "b")),
        "A",
        "field '{n}' = 'A' is not one of a, b",
    ),
    (
        "req_choice, an array",
        lambda f, k: f.req_choice(k, ("a",)),
        ["a"],
        "field '{n}' is an array, expected a string",
    ),
    ("integer over", lambda f, k: f.integer(k, 0, 9), 10, "field '{n}' = 10 is outside 0..9"),
    ("integer under", lambda f, k: f.integer(k, 1, 9), 0, "field '{n}' = 0 is outside 1..9"),
    (
        "integer, a string",
        lambda f, k: f.integer(k, 0, 9),
        "7",
        "field '{n}' is a string, expected an integer",
    ),
    (
        "integer, a boolean",
        lambda f, k: f.integer(k, 0, 9),
        True,
        "field '{n}' is a boolean, expected an integer",
    ),
    (
        "opt_integer over",
        lambda f, k: f.opt_integer(k, 0, 9),
        10,
        "field '{n}' = 10 is outside 0..9",
    ),
    (
        "opt_integer, a fraction",
        lambda f, k: f.opt_integer(k, 0, 9),
        1.5,
        "field '{n}' is a number, expected an integer",
    ),
    (
        "flag, a string",
        lambda f, k: f.flag(k),
        "yes",
        "field '{n}' is a string, expected a boolean",
    ),
    ("flag, a number", lambda f, k: f.flag(k), 1, "field '{n}' is a number, expected a boolean"),
    (
        "timestamp, a number",
        lambda f, k: f.timestamp(k),
        5,
        "field '{n}' is a number, expected a string",
    ),
    (
        "timestamp, not a time",
        lambda f, k: f.timestamp(k),
        "yesterday",
        "field '{n}' = 'yesterday' does not match "
        + TS_RE.pattern.replace("{", "{{").replace("}", "}}"),
    ),
    (
        "timestamp over 40",
        lambda f, k: f.timestamp(k),
        TS + "x" * 16,
        "field '{n}' has 41 characters, at most 40",
    ),
    (
        "timestamp, no such day",
        lambda f, k: f.req_timestamp(k),
        "2026-02-30T10:00:00+08:00",
        "field '{n}' = '2026-02-30T10:00:00+08:00' is not a real date and time",
    ),
    (
        "array, an object",
        lambda f, k: f.array(k, 2),
        {},
        "field '{n}' is an object, expected an array",
    ),
    (
        "array, too many",
        lambda f, k: f.array(k, 2),
        [1, 2, 3],
        "field '{n}' has 3 items, at most 2",
    ),
    (
        "mapping, an array",
        lambda f, k: f.mapping(k),
        [],
        "field '{n}' is an array, expected an object",
    ),
    (
        "mapping, a string",
        lambda f, k: f.mapping(k),
        "{}",
        "field '{n}' is a string, expected an object",
    ),
    (
        "objects, a string",
        lambda f, k: f.objects(k, 3),
        "x",
        "field '{n}' is a string, expected an array",
    ),
    (
        "objects, too many",
        lambda f, k: f.objects(k, 1),
        [{}, {}],
        "field '{n}' has 2 items, at most 1",
    ),
    (
        "objects, an item not one",
        lambda f, k: f.objects(k, 3),
        [{}, 7],
        "field '{n}[1]' is a number, expected an object",
    ),
    (
        "objects, a null item",
        lambda f, k: f.objects(k, 3),
        [None],
        "field '{n}[0]' is null, expected an object",
    ),
    (
        "objects, a field of an item",
        lambda f, k: f.objects(k, 3)[1].req_text("ticket"),
        [{"ticket": "A1"}, {"ticket": 5}],
        "field '{n}[1].ticket' is a number, expected a string",
    ),
    (
        "texts, a null item",
        lambda f, k: f.texts(k, 3, 5),
        ["ok", None],
        "field '{n}[1]' is null, expected a string",
    ),
    (
        "texts, a long item",
        lambda f, k: f.texts(k, 3, 5),
        ["ok", "toolong"],
        "field '{n}[1]' has 7 characters, at most 5",
    ),
    (
        "texts, a control character",
        lambda f, k: f.texts(k, 3, 5),
        ["a\x1bb"],
        "field '{n}[0]' holds a control character",
    ),
    (
        "texts, too many",
        lambda f, k: f.texts(k, 1, 5),
        ["a", "b"],
        "field '{n}' has 2 items, at most 1",
    ),
    (
        "texts, not an array",
        lambda f, k: f.texts(k, 1, 5),
        "a",
        "field '{n}' is a string, expected an array",
    ),
]

# Reads of a required field, and what a read of an optional one gives when it is left out.
REQUIRED: list[tuple[str, Read]] = [
    ("text", lambda f, k: f.text(k)),
    ("req_text", lambda f, k: f.req_text(k)),
    ("choice", lambda f, k: f.choice(k, ("a",))),
    ("req_choice", lambda f, k: f.req_choice(k, ("a",))),
    ("integer", lambda f, k: f.integer(k, 0, 9)),
    ("timestamp", lambda f, k: f.timestamp(k)),
    ("req_timestamp", lambda f, k: f.req_timestamp(k)),
    ("array", lambda f, k: f.array(k, 3)),
    ("mapping", lambda f, k: f.mapping(k)),
    ("objects", lambda f, k: f.objects(k, 3)),
]
OPTIONAL: list[tuple[str, Read, Any]] = [
    ("text", lambda f, k: f.text(k, required=False), None),
    ("choice", lambda f, k: f.choice(k, ("a",), required=False), None),
    ("opt_integer", lambda f, k: f.opt_integer(k, 0, 9), None),
    ("flag", lambda f, k: f.flag(k), None),
    ("timestamp", lambda f, k: f.timestamp(k, required=False), None),
    ("array", lambda f, k: f.array(k, 3, required=False), []),
    ("mapping", lambda f, k: f.mapping(k, required=False), {}),
    ("objects", lambda f, k: f.objects(k, 3, required=False), []),
    ("texts", lambda f, k: f.texts(k, 3, 5), ()),
]


@pytest.mark.parametrize(
    ("read", "value", "reason"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_every_read_names_the_field_it_refuses(read: Read, value: Any, reason: str) -> None:
    for where, key in NAMES:
        with pytest.raises(ContractError) as refused:
            read(Fields({key: value}, where), key)
        assert refused.value.reason == reason.format(n=where + key)


@pytest.mark.parametrize("read", [r[1] for r in REQUIRED], ids=[r[0] for r in REQUIRED])
def test_a_required_field_left_out_or_null_is_refused_by_name(read: Read) -> None:
    for where, key in NAMES:
        with pytest.raises(ContractError) as missing:
            read(Fields({}, where), key)
        assert missing.value.reason == f"missing required field '{where}{key}'"
        with pytest.raises(ContractError) as null:
            read(Fields({key: None}, where), key)
        assert null.value.reason == f"field '{where}{key}' is null, expected a value"


@pytest.mark.parametrize(
    ("read", "absent"), [r[1:] for r in OPTIONAL], ids=[r[0] for r in OPTIONAL]
)
def test_an_optional_field_left_out_or_null_reads_as_absent(read: Read, absent: Any) -> None:
    assert read(Fields({}), "k") == absent
    assert read(Fields({"k": None}), "k") == absent
    assert not Fields({"k": None}).has("k") and not Fields({}).has("k")


def test_values_within_their_limits_are_read_as_they_are() -> None:
    fields = Fields(
        {
            "text": "x" * 200,
            "short": "abc",
            "choice": "b",
            "low": 0,
            "high": 9.0,
            "flag": False,
            "ts": "2026-11-24t02:15:02.5z",
            "array": [1, 2],
            "mapping": {"general": 7},
            "calls": [{"ticket": "A1"}],
            "lines": ["ok", "fine!"],
        }
    )
    assert fields.text("text") == fields.req_text("text") == "x" * 200
    assert fields.text("short", max_len=3) == "abc"
    assert fields.choice("choice", ("a", "b")) == fields.req_choice("choice", ("a", "b")) == "b"
    assert fields.integer("low", 0, 9) == 0
    high = fields.opt_integer("high", 0, 9)
    assert high == 9 and type(high) is int
    assert fields.flag("flag") is False and fields.has("flag")
    assert fields.req_timestamp("ts") == datetime(2026, 11, 24, 10, 15, 2, 500000, tzinfo=HZ)
    assert fields.array("array", 2) == [1, 2]
    assert fields.mapping("mapping") == {"general": 7}
    (call,) = fields.objects("calls", 1)
    assert call.req_text("ticket") == "A1" and call.name("ticket") == "calls[0].ticket"
    assert fields.texts("lines", 2, 5) == ("ok", "fine!")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (False, "boolean"),
        (0, "number"),
        (1.5, "number"),
        ("", "string"),
        ([], "array"),
        ({}, "object"),
    ],
)
def test_json_types_are_named_as_json_names_them(value: Any, name: str) -> None:
    assert json_type(value) == name


def test_integers_are_numbers_without_a_fraction_and_never_booleans() -> None:
    assert is_integer(7) and is_integer(7.0) and is_integer(-1)
    assert not is_integer(7.5) and not is_integer(True) and not is_integer("7")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe", "payload is not UTF-8 text"),
        (b"{", "payload is not valid JSON"),
        (b'{"v":1,"seq":NaN}', "payload is not valid JSON"),
        (b'{"v":1,"seq":-Infinity}', "payload is not valid JSON"),
        (b"[" * 100000 + b"]" * 100000, "payload is not valid JSON"),
        (b"[1,2]", "payload is a JSON array, expected an object"),
        (b'"A023"', "payload is a JSON string, expected an object"),
        (b"null", "payload is a JSON null, expected an object"),
        (b"{}", "missing required field 'v'"),
        (b'{"v":"1"}', "field 'v' is a string, expected the integer 1"),
        (b'{"v":null}', "field 'v' is null, expected the integer 1"),
        (b'{"v":1.5}', "field 'v' is a number, expected the integer 1"),
        (b'{"v":2}', "version v=2 is newer than this device's v1"),
        (b'{"v":0}', "version v=0 is not a contract version"),
    ],
)
def test_every_payload_is_an_object_of_version_1_or_refused_with_why(
    raw: bytes, reason: str
) -> None:
    with pytest.raises(ContractError) as refused:
        load_object(raw, cap=len(raw))
    assert refused.value.reason == reason


@given(st.integers(len(b'{"v":1.0}'), MAX_PAYLOAD_BYTES), st.sampled_from([b"1", b"1.0"]))
def test_any_payload_up_to_the_cap_is_read_and_one_byte_more_is_refused(
    size: int, version: bytes
) -> None:
    head = b'{"v":' + version + b"}"
    raw = head + b" " * (size - len(head))  # JSON allows trailing whitespace
    assert load_object(raw) == {"v": 1}
    assert load_object(raw, cap=size) == {"v": 1}
    with pytest.raises(ContractError) as refused:
        load_object(raw, cap=size - 1)
    assert refused.value.reason == f"payload of {size} bytes is over the {size - 1}-byte cap"
    if size == MAX_PAYLOAD_BYTES:
        with pytest.raises(ContractError, match="over the 4096-byte cap"):
            load_object(raw + b" ")


fractions = st.text(alphabet="0123456789", max_size=9)
offsets = st.none() | st.tuples(st.sampled_from([1, -1]), st.integers(0, 23), st.integers(0, 59))


@given(
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    fraction=fractions,
    offset=offsets,
    t=st.sampled_from("Tt"),
    z=st.sampled_from("Zz"),
)
def test_any_rfc_3339_time_reads_as_the_moment_it_names(
    moment: datetime, fraction: str, offset: tuple[int, int, int] | None, t: str, z: str
) -> None:
    if offset is None:
        zone, tz = z, UTC
    else:
        sign, hours, minutes = offset
        zone = f"{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d}"
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    text = moment.strftime(f"%Y-%m-%d{t}%H:%M:%S") + (f".{fraction}" if fraction else "") + zone
    assert TS_RE.fullmatch(text)
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    expected = moment.replace(microsecond=micro, tzinfo=tz)
    read = parse_ts(text)
    assert read == expected and read.utcoffset() == expected.utcoffset()
    assert Fields({"at": text}).req_timestamp("at") == expected


def test_a_time_that_does_not_exist_is_refused_by_its_name() -> None:
    with pytest.raises(ContractError) as refused:
        parse_ts("2026-02-30T10:00:00+08:00")
    assert (
        refused.value.reason
        == "field 'ts' = '2026-02-30T10:00:00+08:00' is not a real date and time"
    )
    with pytest.raises(ContractError, match=r"^field 'since' = '2026-13-01T"):
        parse_ts("2026-13-01T00:00:00Z", "since")


def test_times_are_written_with_their_offset_in_milliseconds_or_seconds() -> None:
    moment = datetime(2026, 11, 24, 10, 15, 2, 161999, tzinfo=HZ)
    assert format_ts(moment) == "2026-11-24T10:15:02.161+08:00"
    assert format_ts(moment, millis=False) == "2026-11-24T10:15:02+08:00"
    assert parse_ts(format_ts(moment)) == moment.replace(microsecond=161000)


def test_payloads_are_compact_utf_8_with_the_version_first() -> None:
    raw = encode(without_none({"marquee": ["欢迎光临"], "ts": None, "seq": 0}))
    assert raw == '{"v":1,"marquee":["欢迎光临"],"seq":0}'.encode()
    assert json.loads(raw) == {"v": 1, "marquee": ["欢迎光临"], "seq": 0}
