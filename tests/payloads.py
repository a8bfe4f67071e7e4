"""Payloads for the contract's topics: good ones, and every kind of bad one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

TS = "2026-11-24T10:15:02+08:00"
HANGZHOU = timezone(timedelta(hours=8))


def now_ts() -> str:
    """This moment, as an engine in Hangzhou stamps a call it makes."""
    return datetime.now(HANGZHOU).isoformat(timespec="seconds")


def call(
    ticket: str = "A023", counter: str = "3", call_id: str = "c-000123", **more: Any
) -> dict[str, Any]:
    """A CallEvent made just now (an old ``ts`` makes a stale call: listed, not announced)."""
    payload = {
        "v": 1,
        "id": call_id,
        "ticket": ticket,
        "counter": counter,
        "service": "general",
        "kind": "call",
        "ts": now_ts(),
    }
    payload.update(more)
    return payload


def board(seq: int = 1, calls: list[dict[str, Any]] | None = None, **more: Any) -> dict[str, Any]:
    payload = {
        "v": 1,
        "seq": seq,
        "ts": TS,
        "calls": calls
        if calls is not None
        else [{"id": "c-1", "ticket": "A023", "counter": "3", "service": "general", "ts": TS}],
        "waiting": {"general": 7, "consult": 2, "vip": 0},
    }
    payload.update(more)
    return payload


def notice(**more: Any) -> dict[str, Any]:
    payload = {
        "v": 1,
        "marquee": ["欢迎光临"],
        "pages": [{"title": "理赔申请所需材料", "lines": ["身份证", "保单"]}],
        "ts": TS,
    }
    payload.update(more)
    return payload


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


# Bytes no JSON parser may accept, for every topic.
BAD_BYTES: list[tuple[str, bytes]] = [
    ("not JSON", b"A023 to counter 3"),
    ("truncated JSON", dumps(call())[:30]),
    ("binary", bytes(range(256))),
    ("latin-1, not UTF-8", '{"v":1,"id":"é"}'.encode("latin-1")),
    ("NaN", b'{"v":1,"seq":NaN}'),
    ("JSON array", b"[1,2,3]"),
    ("JSON string", b'"A023"'),
    ("JSON null", b"null"),
    ("deep nesting", b"[" * 2000 + b"]" * 2000),
    ("over 4 KiB", dumps(call(call_id="x" * 120, pad="y" * 5000))),
]

# (why, payload) that are JSON objects but break the contract.
BAD_CALLS: list[tuple[str, Any]] = [
    ("v 2", call(v=2)),
    ("v 0", call(v=0)),
    ("v a string", call(v="1")),
    ("v true", call(v=True)),
    ("v missing", _without(call(), "v")),
    ("id missing", _without(call(), "id")),
    ("id empty", call(call_id="")),
    ("id a number", call(call_id=123)),
    ("id over 128", call(call_id="c" * 129)),
    ("ticket lowercase", call(ticket="a023")),
    ("ticket three letters", call(ticket="ABC1")),
    ("ticket five digits", call(ticket="A12345")),
    ("ticket empty", call(ticket="")),
    ("ticket a number", call(ticket=23)),
    ("ticket markup", call(ticket="<b>A1</b>")),
    ("ticket with a format field", call(ticket="{0.__class__}")),
    ("ticket full-width digits", call(ticket="A０２３")),
    ("ticket null", call(ticket=None)),
    ("counter with a slash", call(counter="3/4")),
    ("counter too long", call(counter="c" * 17)),
    ("counter a number", call(counter=3)),
    ("service missing", _without(call(), "service")),
    ("kind unknown", call(kind="shout")),
    ("kind missing", _without(call(), "kind")),
    ("ts without offset", call(ts="2026-11-24T10:15:02")),
    ("ts not a time", call(ts="yesterday")),
    ("ts a number", call(ts=1764000000)),
    ("waited_s negative", call(waited_s=-1)),
    ("waited_s a string", call(waited_s="1200")),
    ("waited_s a fraction", call(waited_s=12.5)),
    ("waited_s over a million", call(waited_s=1000001)),
    ("waited_s a boolean", call(waited_s=True)),
]

BAD_BOARDS: list[tuple[str, Any]] = [
    ("v 2", board(v=2)),
    ("seq missing", _without(board(), "seq")),
    ("seq negative", board(seq=-1)),
    ("seq a string", board(seq="5")),
    ("seq a fraction", board(seq=1.5)),
    ("calls not a list", board(calls={"id": "c"})),
    ("calls over 20", board(calls=[call(call_id=f"c{i}") for i in range(21)])),
    ("a call not an object", board(calls=["A023"])),
    (
        "a call with a bad ticket",
        board(calls=[{"id": "c", "ticket": "a1", "counter": "3", "service": "general", "ts": TS}]),
    ),
    (
        "a call missing ts",
        board(calls=[{"id": "c", "ticket": "A1", "counter": "3", "service": "general"}]),
    ),
    ("waiting a list", board(waiting=[7])),
    ("waiting negative", board(waiting={"general": -1})),
    ("waiting a string", board(waiting={"general": "7"})),
    ("waiting key bad", board(waiting={"gen eral": 7})),
    ("ts missing", _without(board(), "ts")),
]

BAD_NOTICES: list[tuple[str, Any]] = [
    ("v 2", notice(v=2)),
    ("marquee a string", notice(marquee="欢迎")),
    ("marquee line too long", notice(marquee=["长" * 201])),
    ("marquee with a control character", notice(marquee=["a\x1b[2Jb"])),
    ("too many marquee lines", notice(marquee=["x"] * 11)),
    ("page not an object", notice(pages=["x"])),
    ("page lines a string", notice(pages=[{"title": "t", "lines": "x"}])),
    ("page title a number", notice(pages=[{"title": 5}])),
    ("too many pages", notice(pages=[{"title": "t"}] * 13)),
]


def every_bad_payload() -> list[tuple[str, str, bytes]]:
    """(topic kind, why, bytes) for the call, board and notice topics."""
    out: list[tuple[str, str, bytes]] = []
    for kind in ("call", "board", "notice"):
        out += [
            (kind, why, raw) for why, raw in BAD_BYTES if not (kind == "notice" and "4 KiB" in why)
        ]
    # A Notice may be up to 16 KiB (the contract's additions of 2026-11-28).
    out.append(("notice", "over 16 KiB", dumps(notice(pad="y" * 17000))))
    out += [("call", why, dumps(p)) for why, p in BAD_CALLS]
    out += [("board", why, dumps(p)) for why, p in BAD_BOARDS]
    out += [("notice", why, dumps(p)) for why, p in BAD_NOTICES]
    return out
