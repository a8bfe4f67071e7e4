"""The network's figures for a day or a range of days: tickets, served, no-shows, waits
(average and p90), service time and satisfaction, per site, per service or per hour, and the
whole network's (or one site's) line; for ``callboard network-stats`` and the console's
Network page.

They are defined as the engine's own figures (engine/stats.py) over the records the
collector stored: a wait runs from the ticket to its first call, p90 is the wait that 90 % of
the tickets did not exceed (the sorted waits' element ``int(0.9 * n)``), the service time is
that of the served tickets, and ``satisfied`` is the share of ratings at the top of their
scale. The sums come from the database (``CentralStore.tallies``) with each group's count of
tickets per wait, so the p90 is exact however many tickets a range holds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from central.store import FIGURE_GROUPS, Tally

GROUPS = tuple(FIGURE_GROUPS)
COLUMNS = (
    "tickets",
    "served",
    "no_shows",
    "transferred",
    "avg_wait_s",
    "p90_wait_s",
    "avg_service_s",
    "rated",
    "satisfied",
)


@dataclass(frozen=True)
class FigureLine:
    """One group's figures (a site, a service or an hour), or the total's."""

    name: str
    tickets: int
    served: int
    no_shows: int
    transferred: int
    avg_wait_s: float | None
    p90_wait_s: float | None
    avg_service_s: float | None
    rated: int
    satisfied: float | None
    """The share of ratings at the top of their scale, 0 to 1 (None: nobody rated)."""


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    by: str
    site: str | None
    """One site's figures, or None for the whole network."""
    lines: tuple[FigureLine, ...]
    total: FigureLine

    @property
    def days(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first} to {self.last}"


def _p90(waits: dict[int, int]) -> float | None:
    """The engine's p90 (``sorted(waits)[min(n - 1, int(0.9 * n))]``) from waits' counts."""
    n = sum(waits.values())
    if not n:
        return None
    index = min(n - 1, int(0.9 * n))
    seen = 0
    for wait in sorted(waits):
        seen += waits[wait]
        if seen > index:
            return float(wait)
    raise AssertionError("unreachable: the counts add up to n")


def _line(name: str, tallies: Iterable[Tally]) -> FigureLine:
    mine = list(tallies)
    waits: dict[int, int] = {}
    for t in mine:
        for wait, n in t.waits.items():
            waits[wait] = waits.get(wait, 0) + n
    tickets = sum(t.tickets for t in mine)
    timed = sum(t.timed for t in mine)
    rated = sum(t.rated for t in mine)
    return FigureLine(
        name,
        tickets,
        served=sum(t.served for t in mine),
        no_shows=sum(t.no_shows for t in mine),
        transferred=sum(t.transferred for t in mine),
        avg_wait_s=round(sum(t.wait_s for t in mine) / tickets, 1) if tickets else None,
        p90_wait_s=_p90(waits),
        avg_service_s=round(sum(t.service_s for t in mine) / timed, 1) if timed else None,
        rated=rated,
        satisfied=round(sum(t.satisfied for t in mine) / rated, 3) if rated else None,
    )


def group_name(by: str, group: str) -> str:
    """An hour as "09:00"; a site or a service as its id."""
    return f"{int(group):02d}:00" if by == "hour" else group


def report(
    tallies: Sequence[Tally], first: date, last: date, by: str, site: str | None = None
) -> Report:
    groups: dict[str, list[Tally]] = {}
    for t in tallies:
        groups.setdefault(group_name(by, t.group), []).append(t)
    lines = tuple(_line(name, groups[name]) for name in sorted(groups))
    total = _line(site or "network", tallies)
    return Report(first, last, by, site, lines, total)


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (h:mm:ss from an hour), a dash for none."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    h, m, s = whole // 3600, whole % 3600 // 60, whole % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f} %"


def as_table(found: Report) -> str:
    """Aligned columns, the total last."""
    where = f"site {found.site}" if found.site else "the network"
    head: tuple[str, ...] = (found.by.upper(), "TICKETS", "SERVED", "NO-SHOWS", "TRANSF.")
    head += ("AVG WAIT", "P90 WAIT", "SERVICE", "RATED", "SATISFIED")
    rows = [
        (
            line.name,
            str(line.tickets),
            str(line.served),
            str(line.no_shows),
            str(line.transferred),
            clock(line.avg_wait_s),
            clock(line.p90_wait_s),
            clock(line.avg_service_s),
            str(line.rated),
            percent(line.satisfied),
        )
        for line in (*found.lines, found.total)
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def out(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )

    text = [
        f"callboard figures of {where}, {found.days}, by {found.by} (waits: from the ticket "
        "to its first call; satisfied: the share of ratings at the top of their scale)",
        out(head),
        *(out(row) for row in rows[:-1]),
        "-" * len(out(head)),
        out(rows[-1]),
    ]
    if not found.lines:
        text.insert(2, f"(no finished tickets stored for {found.days})")
    return "\n".join(text)


def as_csv(found: Report) -> str:
    """One row per group and the total's last (its group: "total"), with the days."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("first_day", "last_day", "site", "by", "name", *COLUMNS))
    for kind, line in [*((found.by, line) for line in found.lines), ("total", found.total)]:
        values = ("" if (v := getattr(line, column)) is None else v for column in COLUMNS)
        writer.writerow((found.first, found.last, found.site or "", kind, line.name, *values))
    return buffer.getvalue()


def as_json(found: Report) -> str:
    return json.dumps(
        {
            "first_day": str(found.first),
            "last_day": str(found.last),
            "site": found.site,
            "by": found.by,
            "lines": [asdict(line) for line in found.lines],
            "total": asdict(found.total),
        },
        ensure_ascii=False,
        indent=1,
    )
