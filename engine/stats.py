"""The day's figures per service and per counter, from the tickets the store keeps."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from engine.store import TicketRecord, day_tickets


@dataclass(frozen=True)
class Row:
    """One line of the day's figures."""

    kind: str  # "service" or "counter"
    name: str
    tickets: int
    served: int
    skipped: int
    transferred: int
    waiting: int
    avg_wait_s: float | None
    p90_wait_s: float | None


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def day_stats(db: Path, day: str) -> list[Row]:
    """Tickets, served, skipped, transferred, still waiting, and waits (issue to first call)."""
    return figures(day_tickets(db, day))


def figures(tickets: list[TicketRecord]) -> list[Row]:
    out: list[Row] = []
    for kind in ("service", "counter"):

        def group(t: TicketRecord, kind: str = kind) -> str | None:
            return t.first_service if kind == "service" else t.counter

        for name in sorted({g for t in tickets if (g := group(t))}):
            mine = [t for t in tickets if group(t) == name]
            waits = [
                (t.first_called_at - t.issued_at).total_seconds()
                for t in mine
                if t.first_called_at is not None
            ]
            out.append(
                Row(
                    kind,
                    name,
                    len(mine),
                    served=sum(1 for t in mine if t.status in ("served", "called")),
                    skipped=sum(1 for t in mine if t.status == "skipped"),
                    transferred=sum(1 for t in mine if t.transfers),
                    waiting=sum(1 for t in mine if t.status == "waiting"),
                    avg_wait_s=sum(waits) / len(waits) if waits else None,
                    p90_wait_s=_p90(waits),
                )
            )
    return out


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{int(value // 60)}:{int(value % 60):02d}"


def as_table(rows: list[Row], day: str) -> str:
    lines = [
        f"callboard figures for {day}  (waits: from the ticket to its first call, m:ss)",
        f"{'':9}{'':12}{'tickets':>8}{'served':>8}{'skipped':>8}{'transf.':>8}"
        f"{'waiting':>8}{'avg wait':>10}{'p90 wait':>10}",
    ]
    for row in rows:
        lines.append(
            f"{row.kind:9}{row.name:12}{row.tickets:8}{row.served:8}{row.skipped:8}"
            f"{row.transferred:8}{row.waiting:8}{_seconds(row.avg_wait_s):>10}"
            f"{_seconds(row.p90_wait_s):>10}"
        )
    if not rows:
        lines.append("(no tickets that day)")
    return "\n".join(lines)


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "kind",
            "name",
            "tickets",
            "served",
            "skipped",
            "transferred",
            "waiting",
            "avg_wait_s",
            "p90_wait_s",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.kind,
                row.name,
                row.tickets,
                row.served,
                row.skipped,
                row.transferred,
                row.waiting,
                "" if row.avg_wait_s is None else f"{row.avg_wait_s:.1f}",
                "" if row.p90_wait_s is None else f"{row.p90_wait_s:.1f}",
            ]
        )
    return buffer.getvalue()
