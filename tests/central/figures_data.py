"""A known day of two sites' finished tickets, stored by the collector's own store code,
whose figures were worked out by hand (tests/central/test_figures.py, tests/console)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from central.store import CentralStore, RecordRow
from lobby.contract import FinishedTicket

DAY = date(2026, 3, 2)
EVE = date(2026, 3, 1)
LOBBY = timezone(timedelta(hours=8))


def visit(
    n: int,
    hour: int,
    service: str,
    waited_s: int,
    served_s: int | None,
    score: tuple[int, int] | None = None,
    transferred_to: str | None = None,
    rev: int = 1,
    day: date = DAY,
) -> FinishedTicket:
    """Ticket n, taken at hour:05 in the lobby's own time; served_s None: a no-show."""
    issued = datetime(day.year, day.month, day.day, hour, 5, tzinfo=LOBBY)
    called = issued + timedelta(seconds=waited_s)
    done = called + timedelta(seconds=served_s or 20)
    return FinishedTicket(
        id=f"r-e1-{day}-A{n:03d}",
        rev=rev,
        ticket=f"A{n:03d}",
        day=day,
        service=transferred_to or service,
        first_service=service,
        outcome="no_show" if served_s is None else "served",
        counter="2",
        issued_at=issued,
        called_at=called,
        done_at=done,
        waited_s=waited_s,
        ts=done,
        served_at=None if served_s is None else called,
        served_s=served_s,
        transfers=1 if transferred_to else 0,
        score=score[0] if score else None,
        scale=score[1] if score else None,
    )


NORTH = [
    visit(1, 9, "general", 60, 300, (5, 5)),
    visit(2, 9, "general", 120, 200),  # rated later: rev 2 below
    visit(3, 10, "general", 600, None),
    visit(4, 10, "consult", 30, 600, transferred_to="general"),
    visit(2, 9, "general", 120, 200, (3, 5), rev=2),
    visit(9, 14, "general", 3000, 100, day=EVE),  # the day before
]
SOUTH = [
    visit(5, 9, "general", 240, 100, (3, 3)),
    visit(6, 11, "consult", 0, 400, (1, 3)),
    visit(7, 11, "general", 900, None),
    *(visit(10 + i, 11, "general", wait, 60) for i, wait in enumerate((10, 20, 30, 40))),
]


def fill(store: CentralStore) -> None:
    """Both sites' records, each twice (as a QoS 1 redelivery would bring them)."""
    at = datetime.now(UTC)
    rows = [RecordRow("north", r, at) for r in NORTH] + [RecordRow("south", r, at) for r in SOUTH]
    store.write(rows, [])
    store.write(rows, [])
