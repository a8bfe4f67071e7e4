"""What the lobby's day leaves behind, on the wire: customers' ratings of their service,
and the figures the engine keeps (the day's, retained; any range of days, on request).
Part of the contract (``lobby.contract`` gives them with every other message)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lobby.errors import ContractError
from lobby.wire import (
    COUNTER_RE,
    EPOCH_RE,
    ID_RE,
    LANG_RE,
    SERVICE_RE,
    TICKET_RE,
    Fields,
    check_text,
    encode,
    format_ts,
    load_object,
    without_none,
)

MAX_SCALE = 10
OUTCOMES = ("served", "no_show")
"""How a finished ticket ended: served at a counter, or skipped there (过号, a no-show)."""
MAX_REV = 100
MAX_RECORD_S = 10**6  # a record's waited_s and served_s: more than a day
MAX_RANGE_DAYS = 366
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIGURE_COLUMNS = (
    "day",
    "kind",
    "name",
    "tickets",
    "served",
    "skipped",
    "transferred",
    "waiting",
    "avg_wait_s",
    "p90_wait_s",
    "avg_service_s",
    "rated",
    "satisfied",
)
"""One row of figures: a service's or a counter's day (``kind`` is "service" or "counter")."""


def _ts(fields: Fields) -> datetime:
    return fields.req_timestamp("ts")


def _day(fields: Fields, key: str) -> date:
    text = fields.req_text(key, DATE_RE, 10)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ContractError(f"field '{fields.name(key)}' = {text!r} is not a real date") from None


@dataclass(frozen=True)
class Rating:
    """A customer's rating of the service just received: ``{p}/counter/{counter}/rating``."""

    id: str
    counter: str
    """From the topic."""
    ticket: str
    score: int
    """From 1 (unhappy) to ``scale`` (happy)."""
    scale: int
    ts: datetime

    @classmethod
    def parse(cls, raw: bytes, counter: str) -> Rating:
        fields = Fields(load_object(raw))
        scale = fields.integer("scale", 2, MAX_SCALE)
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            counter=check_text(counter, "counter (topic)", COUNTER_RE, 16),
            ticket=fields.req_text("ticket", TICKET_RE, 6),
            score=fields.integer("score", 1, scale),
            scale=scale,
            ts=_ts(fields),
        )

    def payload(self) -> bytes:
        return encode(
            {
                "id": self.id,
                "ticket": self.ticket,
                "score": self.score,
                "scale": self.scale,
                "ts": format_ts(self.ts),
            }
        )

    @property
    def satisfied(self) -> bool:
        """The top of the scale: 满意, satisfied."""
        return self.score == self.scale


Row = tuple[Any, ...]


def _row(item: object, name: str) -> Row:
    """One row of FIGURE_COLUMNS: texts for the first three, numbers (or null) after."""
    if not isinstance(item, list) or len(item) != len(FIGURE_COLUMNS):
        raise ContractError(f"field '{name}' is not a row of {len(FIGURE_COLUMNS)} values")
    day, kind, who, *numbers = item
    check_text(day, f"{name}[0]", DATE_RE, 10)
    if kind not in ("service", "counter"):
        raise ContractError(f"field '{name}[1]' = {kind!r} is not service or counter")
    check_text(who, f"{name}[2]", SERVICE_RE, 16)
    for i, number in enumerate(numbers, 3):
        if number is not None and (not isinstance(number, int | float) or isinstance(number, bool)):
            raise ContractError(f"field '{name}[{i}]' is not a number")
    return tuple(item)


@dataclass(frozen=True)
class DayFigures:
    """The day so far, per service and per counter, and per hour: ``{p}/stats/today``
    (retained; the engine republishes it as the day goes on)."""

    day: date
    ts: datetime
    rows: tuple[Row, ...]
    """FIGURE_COLUMNS rows, services first."""
    hours: Mapping[int, tuple[int, float | None]] = field(default_factory=dict)
    """Hour of the day -> (tickets issued, average wait in seconds of those called)."""
    low_satisfaction: float | None = None
    """The branch's bar, 0 to 1: a row whose ``satisfied`` is under it is flagged in ``low``
    (absent: nothing is flagged)."""
    low: tuple[tuple[str, str], ...] = ()
    """(kind, name) of each row under the bar: a counter or service to look at."""

    @classmethod
    def parse(cls, raw: bytes) -> DayFigures:
        obj = load_object(raw)
        fields = Fields(obj)
        hours: dict[int, tuple[int, float | None]] = {}
        for hour, value in fields.mapping("hours", required=False).items():
            if not hour.isdigit() or not 0 <= int(hour) <= 23 or not isinstance(value, list):
                raise ContractError(f"field 'hours.{hour[:8]}' is not an hour's [arrivals, wait]")
            arrivals, wait = [*value, None, None][:2]
            if not isinstance(arrivals, int) or isinstance(arrivals, bool) or arrivals < 0:
                raise ContractError(f"field 'hours.{hour}[0]' is not a count")
            if wait is not None and not isinstance(wait, int | float):
                raise ContractError(f"field 'hours.{hour}[1]' is not a number of seconds")
            hours[int(hour)] = (arrivals, wait)
        return cls(
            day=_day(fields, "day"),
            ts=_ts(fields),
            rows=tuple(_row(item, f"rows[{i}]") for i, item in enumerate(fields.array("rows", 64))),
            hours=hours,
            low_satisfaction=_share(obj.get("low_satisfaction"), "low_satisfaction"),
            low=tuple(
                _flagged(item, f"low[{i}]") for i, item in enumerate(fields.array("low", 64, False))
            ),
        )

    def payload(self) -> bytes:
        body: dict[str, Any] = {
            "day": self.day.isoformat(),
            "ts": format_ts(self.ts),
            "rows": [list(row) for row in self.rows],
            "hours": {str(hour): list(value) for hour, value in sorted(self.hours.items())},
        }
        if self.low_satisfaction is not None:
            body["low_satisfaction"] = self.low_satisfaction
            body["low"] = [list(flagged) for flagged in self.low]
        return encode(body)


def _share(value: object, name: str) -> float | None:
    """An optional share from 0 to 1."""
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ContractError(f"field '{name}' is not a share from 0 to 1")
    return float(value)


def _flagged(item: object, name: str) -> tuple[str, str]:
    """A flagged row's [kind, name]."""
    if not isinstance(item, list) or len(item) != 2 or item[0] not in ("service", "counter"):
        raise ContractError(f"field '{name}' is not a [kind, name] of a row")
    return item[0], check_text(item[1], f"{name}[1]", SERVICE_RE, 16)


@dataclass(frozen=True)
class StatsRequest:
    """Figures for a range of days, asked of the engine: ``{p}/stats/request``."""

    id: str
    first: date
    last: date
    ts: datetime

    @classmethod
    def parse(cls, raw: bytes) -> StatsRequest:
        fields = Fields(load_object(raw))
        first, last = _day(fields, "from"), _day(fields, "to")
        if not 0 <= (last - first).days < MAX_RANGE_DAYS:
            raise ContractError(f"'from' .. 'to' is not a range of 1 to {MAX_RANGE_DAYS} days")
        return cls(fields.req_text("id", ID_RE, 128), first, last, _ts(fields))

    def payload(self) -> bytes:
        return encode(
            {
                "id": self.id,
                "from": self.first.isoformat(),
                "to": self.last.isoformat(),
                "ts": format_ts(self.ts),
            }
        )


@dataclass(frozen=True)
class StatsPage:
    """One part of the engine's answer to a StatsRequest: ``{p}/stats/reply``. An answer
    is ``parts`` messages (each under the 4 KiB cap); none of a day without tickets."""

    request_id: str
    part: int
    parts: int
    rows: tuple[Row, ...]
    ts: datetime

    @classmethod
    def parse(cls, raw: bytes) -> StatsPage:
        fields = Fields(load_object(raw))
        parts = fields.integer("parts", 1, 10_000)
        return cls(
            request_id=fields.req_text("request_id", ID_RE, 128),
            part=fields.integer("part", 1, parts),
            parts=parts,
            rows=tuple(_row(item, f"rows[{i}]") for i, item in enumerate(fields.array("rows", 64))),
            ts=_ts(fields),
        )

    def payload(self) -> bytes:
        return encode(
            {
                "request_id": self.request_id,
                "part": self.part,
                "parts": self.parts,
                "rows": [list(row) for row in self.rows],
                "ts": format_ts(self.ts),
            }
        )


@dataclass(frozen=True)
class FinishedTicket:
    """One customer's visit, once their ticket is finished: ``{p}/record`` (QoS 1, not
    retained), for the branch's central collector.

    ``id`` is stable for the ticket (``r-<epoch>-<day>-<ticket>``): a rating that arrives
    after the record is a second version of it, the same id with a higher ``rev``, so a
    receiver keeps the highest ``rev`` per id and a redelivery changes nothing. A transfer
    does not finish a ticket: its record is the one written when it is finally served or
    skipped, with ``first_service``, the ``service`` it ended in and ``transfers``.
    """

    id: str
    rev: int
    ticket: str
    day: date
    service: str
    first_service: str
    outcome: str
    counter: str
    issued_at: datetime
    called_at: datetime
    """When it was first called: its wait ends there."""
    done_at: datetime
    waited_s: int
    ts: datetime
    served_at: datetime | None = None
    """When the counter that finished it called it (after a transfer, not the first call)."""
    served_s: int | None = None
    """From ``served_at`` to ``done_at`` for a served ticket; None for a no-show."""
    transfers: int = 0
    lang: str | None = None
    score: int | None = None
    scale: int | None = None
    epoch: str | None = None

    @classmethod
    def parse(cls, raw: bytes) -> FinishedTicket:
        fields = Fields(load_object(raw))
        scale = fields.opt_integer("scale", 2, MAX_SCALE)
        score = fields.opt_integer("score", 1, scale or MAX_SCALE)
        if (score is None) != (scale is None):
            raise ContractError("fields 'score' and 'scale' come together or not at all")
        return cls(
            id=fields.req_text("id", ID_RE, 128),
            rev=fields.integer("rev", 1, MAX_REV),
            ticket=fields.req_text("ticket", TICKET_RE, 6),
            day=_day(fields, "day"),
            service=fields.req_text("service", SERVICE_RE, 16),
            first_service=fields.req_text("first_service", SERVICE_RE, 16),
            outcome=fields.req_choice("outcome", OUTCOMES),
            counter=fields.req_text("counter", COUNTER_RE, 16),
            issued_at=fields.req_timestamp("issued_at"),
            called_at=fields.req_timestamp("called_at"),
            done_at=fields.req_timestamp("done_at"),
            waited_s=fields.integer("waited_s", 0, MAX_RECORD_S),
            ts=_ts(fields),
            served_at=fields.timestamp("served_at", required=False),
            served_s=fields.opt_integer("served_s", 0, MAX_RECORD_S),
            transfers=fields.opt_integer("transfers", 0, MAX_REV) or 0,
            lang=fields.text("lang", LANG_RE, 12, required=False),
            score=score,
            scale=scale,
            epoch=fields.text("epoch", EPOCH_RE, 16, required=False),
        )

    def payload(self) -> bytes:
        return encode(
            without_none(
                {
                    "id": self.id,
                    "rev": self.rev,
                    "ticket": self.ticket,
                    "day": self.day.isoformat(),
                    "service": self.service,
                    "first_service": self.first_service,
                    "outcome": self.outcome,
                    "counter": self.counter,
                    "issued_at": format_ts(self.issued_at),
                    "called_at": format_ts(self.called_at),
                    "served_at": format_ts(self.served_at) if self.served_at else None,
                    "done_at": format_ts(self.done_at),
                    "waited_s": self.waited_s,
                    "served_s": self.served_s,
                    "transfers": self.transfers,
                    "lang": self.lang,
                    "score": self.score,
                    "scale": self.scale,
                    "epoch": self.epoch,
                    "ts": format_ts(self.ts),
                }
            )
        )
