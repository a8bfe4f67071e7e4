"""The contract validator: what it accepts, what it refuses and why, and that it agrees
with the JSON Schema files other vendors read."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lobby.contract import (
    MAX_PAYLOAD_BYTES,
    ack_payload,
    parse_board,
    parse_call,
    parse_notice,
    parse_ts,
)
from lobby.errors import ContractError
from tests import payloads
from tests.payloads import dumps

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schema"
PARSERS = {"call": parse_call, "board": parse_board, "notice": parse_notice}


def schema(name: str) -> dict[str, Any]:
    loaded = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def test_a_good_call_parses_into_typed_fields() -> None:
    event = parse_call(dumps(payloads.call()))
    assert (event.id, event.ticket, event.counter, event.service, event.kind) == (
        "c-000123",
        "A023",
        "3",
        "general",
        "call",
    )
    assert event.ts.utcoffset() == timedelta(hours=8)


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    assert parse_call(dumps(payloads.call(priority="high", extra={"x": 1}))).ticket == "A023"


def test_a_board_snapshot_parses_newest_first_with_waiting_counts() -> None:
    snap = parse_board(dumps(payloads.board(seq=5512)))
    assert snap.seq == 5512
    assert [c.ticket for c in snap.calls] == ["A023"]
    assert snap.waiting == {"general": 7, "consult": 2, "vip": 0}


def test_an_empty_notice_clears() -> None:
    assert parse_notice(b'{"v":1}').is_empty
    full = parse_notice(dumps(payloads.notice()))
    assert full.marquee == ("欢迎光临",)
    assert full.pages[0].title == "理赔申请所需材料"


@pytest.mark.parametrize(
    ("kind", "why", "raw"),
    payloads.every_bad_payload(),
    ids=[f"{k}: {w}" for k, w, _ in payloads.every_bad_payload()],
)
def test_every_kind_of_bad_payload_is_refused_with_a_reason(
    kind: str, why: str, raw: bytes
) -> None:
    with pytest.raises(ContractError) as refused:
        PARSERS[kind](raw)
    assert refused.value.reason
    assert "Traceback" not in refused.value.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dumps(payloads.call(v=2)), "version v=2 is newer"),
        (dumps(payloads.call(ticket="a023")), "field 'ticket' = 'a023' does not match"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not valid JSON"),
        (dumps(payloads.call(pad="x" * MAX_PAYLOAD_BYTES)), "over the 4096-byte cap"),
        (dumps({"v": 1, "id": "c"}), "missing required field 'ticket'"),
        (dumps(payloads.call(ts="2026-02-30T10:00:00+08:00")), "not a real date"),
    ],
)
def test_the_reason_names_the_problem(raw: bytes, expected: str) -> None:
    with pytest.raises(ContractError, match=expected):
        parse_call(raw)


def test_times_keep_their_offset_and_milliseconds() -> None:
    moment = parse_ts("2026-11-24T10:15:02.161234567+08:00")
    assert moment.microsecond == 161234
    assert parse_ts("2026-11-24T02:15:02Z") == parse_ts("2026-11-24T10:15:02+08:00")
    assert ack_payload("c-1", "shown", moment) == (
        b'{"v":1,"call_id":"c-1","event":"shown","ts":"2026-11-24T10:15:02.161+08:00"}'
    )


# Cases JSON Schema cannot say, where this validator is deliberately stricter.
STRICTER = {
    "over 4 KiB",  # a size cap on the whole payload
    "over 16 KiB",  # a Notice's
    "ts not a real date",
}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity are not JSON (RFC 8259)


def _corpus(kind: str) -> list[tuple[str, bytes]]:
    good = {"call": payloads.call(), "board": payloads.board(), "notice": payloads.notice()}[kind]
    cases = (
        [(f"good {kind}", dumps(good)), ("empty notice", b'{"v":1}')]
        if kind == "notice"
        else [(f"good {kind}", dumps(good))]
    )
    cases += [(why, raw) for k, why, raw in payloads.every_bad_payload() if k == kind]
    cases.append(("ts not a real date", dumps({**good, "ts": "2026-02-30T10:00:00+08:00"})))
    return cases


@pytest.mark.parametrize("kind", ["call", "board", "notice"])
def test_the_validator_agrees_with_the_published_json_schema(kind: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(kind))
    for why, raw in _corpus(kind):
        try:
            document = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
            schema_ok = validator.is_valid(document)
        except (UnicodeDecodeError, ValueError, RecursionError):
            schema_ok = False
        try:
            PARSERS[kind](raw)
            ours_ok = True
        except ContractError:
            ours_ok = False
        if why in STRICTER:
            assert not ours_ok, why
        else:
            assert ours_ok == schema_ok, f"{kind}: {why}: ours {ours_ok}, schema {schema_ok}"


def test_our_outbound_ack_follows_its_schema() -> None:
    moment = parse_ts("2026-11-24T10:15:02.161+08:00")
    jsonschema.validate(json.loads(ack_payload("c-000123", "shown", moment)), schema("ack"))
