"""The day's figures per service and per counter, from the tickets and ratings the store
keeps: for ``callboard stats``, for the retained ``{p}/stats/today`` the console shows, and
for a range of days the console asks for."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import astuple, dataclass, replace
from datetime import date, datetime
from pathlib import Path

from engine.store import RatingRecord, TicketRecord, day_records
from lobby.contract import FIGURE_COLUMNS, DayFigures, StatsPage
from lobby.wire import MAX_PAYLOAD_BYTES

PAGE_BYTES = MAX_PAYLOAD_BYTES - 256  # room for the page's own fields
TODAY_BYTES = MAX_PAYLOAD_BYTES - 64


@dataclass(frozen=True)
class Row:
    """One line of a day's figures (the contract's FIGURE_COLUMNS after day)."""

    kind: str  # "service" or "counter"
    name: str
    tickets: int
    served: int
    skipped: int
    transferred: int
    waiting: int
    avg_wait_s: float | None
    p90_wait_s: float | None
    avg_service_s: float | None = None
    """From the call to done (or the next call) of the tickets served."""
    rated: int = 0
    satisfied: float | None = None
    """The share of ratings at the top of their scale (满意率), 0 to 1."""


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _span(start: datetime, end: datetime) -> float:
    """Seconds from START to END, never below 0: a Pi without a clock battery that boots on
    an old time and is set back by NTP mid-morning must not report negative waits."""
    return max(0.0, (end - start).total_seconds())


def day_stats(db: Path, day: str) -> list[Row]:
    """Tickets, served, skipped, transferred, still waiting, waits, service, ratings."""
    return figures(*day_records(db, day))


def _row(kind: str, name: str, mine: list[TicketRecord], ratings: list[RatingRecord]) -> Row:
    waits = [_span(t.issued_at, t.first_called_at) for t in mine if t.first_called_at is not None]
    services = [
        _span(t.called_at, t.done_at)
        for t in mine
        if t.status == "served" and t.called_at is not None and t.done_at is not None
    ]
    p90 = _p90(waits)
    return Row(
        kind,
        name,
        len(mine),
        served=sum(1 for t in mine if t.status in ("served", "called")),
        skipped=sum(1 for t in mine if t.status == "skipped"),
        transferred=sum(1 for t in mine if t.transfers),
        waiting=sum(1 for t in mine if t.status == "waiting"),
        avg_wait_s=_mean(waits),
        p90_wait_s=round(p90, 1) if p90 is not None else None,
        avg_service_s=_mean(services),
        rated=len(ratings),
        satisfied=round(sum(r.score == r.scale for r in ratings) / len(ratings), 3)
        if ratings
        else None,
    )


def figures(tickets: list[TicketRecord], ratings: Iterable[RatingRecord] = ()) -> list[Row]:
    """Per service (the one each ticket was taken for) and per counter (the last one that
    called it); ratings count for the service served and the counter that asked."""
    ratings = list(ratings)
    out: list[Row] = []
    for kind in ("service", "counter"):

        def group(t: TicketRecord, kind: str = kind) -> str | None:
            return t.first_service if kind == "service" else t.counter

        def rated(r: RatingRecord, kind: str = kind) -> str:
            return r.service if kind == "service" else r.counter

        names = {g for t in tickets if (g := group(t))} | {rated(r) for r in ratings}
        for name in sorted(names):
            mine = [t for t in tickets if group(t) == name]
            out.append(_row(kind, name, mine, [r for r in ratings if rated(r) == name]))
    return out


def by_hour(tickets: list[TicketRecord]) -> dict[int, tuple[int, float | None]]:
    """Hour -> (tickets taken in it, their average wait to the first call)."""
    hours: dict[int, tuple[int, float | None]] = {}
    for hour in sorted({t.issued_at.hour for t in tickets}):
        mine = [t for t in tickets if t.issued_at.hour == hour]
        waits = [
            _span(t.issued_at, t.first_called_at) for t in mine if t.first_called_at is not None
        ]
        hours[hour] = (len(mine), _mean(waits))
    return hours


def wire_row(day: str, row: Row) -> tuple[object, ...]:
    return (day, *astuple(row))


def low(rows: list[Row], bar: float) -> list[Row]:
    """The rows whose share satisfied is under ``bar`` (none when the bar is 0: unset)."""
    return [r for r in rows if bar > 0 and r.satisfied is not None and r.satisfied < bar]


def today(
    day: str,
    tickets: list[TicketRecord],
    ratings: list[RatingRecord],
    now: datetime,
    low_satisfaction: float = 0.0,
) -> DayFigures:
    """The day so far as one retained message, under the cap (the hours go first)."""
    found = figures(tickets, ratings)
    rows = tuple(wire_row(day, row) for row in found)
    bar = low_satisfaction or None
    flagged = tuple((r.kind, r.name) for r in low(found, low_satisfaction))
    message = DayFigures(date.fromisoformat(day), now, rows, by_hour(tickets), bar, flagged)
    if len(message.payload()) > TODAY_BYTES:
        message = replace(message, hours={})
    while len(message.payload()) > TODAY_BYTES and message.rows:
        message = replace(message, rows=message.rows[:-1])
    return message


def pages(request_id: str, rows: list[tuple[object, ...]], now: datetime) -> list[StatsPage]:
    """The rows in as few pages as fit under the cap; one empty page when there are none."""
    chunks: list[list[tuple[object, ...]]] = [[]]
    for row in rows:
        trial = StatsPage(request_id, 1, 1, (*chunks[-1], row), now)
        if chunks[-1] and len(trial.payload()) > PAGE_BYTES:
            chunks.append([])
        chunks[-1].append(row)
    return [
        StatsPage(request_id, i, len(chunks), tuple(chunk), now)
        for i, chunk in enumerate(chunks, 1)
    ]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{int(value // 60)}:{int(value % 60):02d}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def as_table(rows: list[Row], day: str, low_satisfaction: float = 0.0) -> str:
    """The figures for a person; a row under ``low_satisfaction`` ends in "low"."""
    flagged = {(r.kind, r.name) for r in low(rows, low_satisfaction)}
    lines = [
        f"callboard figures for {day}  (waits: from the ticket to its first call, m:ss; "
        "satisfied: the share of ratings at the top of their scale)",
        f"{'':9}{'':12}{'tickets':>8}{'served':>8}{'skipped':>8}{'transf.':>8}"
        f"{'waiting':>8}{'avg wait':>10}{'p90 wait':>10}{'service':>9}{'rated':>7}"
        f"{'satisfied':>11}",
    ]
    for row in rows:
        lines.append(
            f"{row.kind:9}{row.name:12}{row.tickets:8}{row.served:8}{row.skipped:8}"
            f"{row.transferred:8}{row.waiting:8}{_seconds(row.avg_wait_s):>10}"
            f"{_seconds(row.p90_wait_s):>10}{_seconds(row.avg_service_s):>9}{row.rated:7}"
            f"{_share(row.satisfied):>11}"
            + (
                f"  low (under {_share(low_satisfaction)})"
                if (row.kind, row.name) in flagged
                else ""
            )
        )
    if not rows:
        lines.append("(no tickets that day)")
    return "\n".join(lines)


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIGURE_COLUMNS[1:])
    for row in rows:
        writer.writerow(["" if value is None else value for value in astuple(row)])
    return buffer.getvalue()
