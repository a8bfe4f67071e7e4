"""The day's figures and the devices, as the manager's pages show them, and the CSV files.

The figures are the engine's, from the contract's DayFigures (retained on
``{p}/stats/today``) and StatsPage answers: rows of ``FIGURE_COLUMNS``. The console only
arranges and formats them; it computes none of its own, so it agrees with any engine.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from config.settings import Config
from console.lobby_view import LobbyView, SeenStatus
from lobby.contract import FIGURE_COLUMNS, DayFigures

COLUMN = {name: i for i, name in enumerate(FIGURE_COLUMNS)}
ROLE_ORDER = ("engine", "display", "kiosk", "console", "counter")


def minutes(seconds: object) -> str:
    """A wait as m:ss, or a dash when there is none."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "–"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def share(fraction: object, rated: object) -> str:
    """The contract's ``satisfied`` (a share, 0 to 1, of ``rated`` ratings) as a percentage."""
    if not isinstance(fraction, int | float) or not isinstance(rated, int) or rated <= 0:
        return "–"
    return f"{round(100 * fraction)} %"


@dataclass(frozen=True)
class FigureLine:
    """One row of the day's table, ready to print."""

    name: str
    label: str
    values: dict[str, object]

    def get(self, column: str) -> object:
        return self.values.get(column)


def lines(config: Config, figures: DayFigures | None, kind: str) -> list[FigureLine]:
    if figures is None:
        return []
    out = []
    for row in figures.rows:
        if row[COLUMN["kind"]] != kind:
            continue
        name = str(row[COLUMN["name"]])
        values = dict(zip(FIGURE_COLUMNS, row, strict=True))
        out.append(FigureLine(name, _label(config, kind, name), values))
    return out


def _label(config: Config, kind: str, name: str) -> str:
    if kind == "counter":
        return config.counter(name).label("en")
    service = config.service(name)
    return (service.name.get("en") or name) if service else name


def hours_series(figures: DayFigures | None) -> dict[str, list[object]]:
    """The chart's data: hours of the day, arrivals, average wait in minutes."""
    hours = sorted(figures.hours) if figures is not None else []
    if figures is None or not hours:
        return {"hours": [], "arrivals": [], "wait_min": []}
    span = range(min(hours), max(hours) + 1)
    got = figures.hours
    return {
        "hours": list(span),
        "arrivals": [got.get(h, (0, None))[0] for h in span],
        "wait_min": [
            None if (w := got.get(h, (0, None))[1]) is None else round(w / 60, 1) for h in span
        ],
    }


def as_csv(rows: Iterable[Sequence[object]]) -> str:
    """FIGURE_COLUMNS as the header, then one line per row (empty for null)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIGURE_COLUMNS)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


@dataclass(frozen=True)
class DeviceLine:
    device: str
    role: str
    online: bool
    version: str
    faults: tuple[str, ...]
    last_seen: str
    """When the status was written, by the device's clock (local time)."""
    heard: str
    """How long ago this console received it."""
    uptime: str


def _ago(seconds: float) -> str:
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{int(seconds // 60)} min ago"
    return f"{seconds / 3600:.1f} h ago"


def _uptime(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    return f"{days} d {rest // 3600} h" if days else f"{rest // 3600} h {rest % 3600 // 60} min"


def device_lines(view: LobbyView) -> list[DeviceLine]:
    now = time.time()

    def order(seen: SeenStatus) -> tuple[int, str]:
        role = seen.status.role or ""
        rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
        return rank, seen.status.device

    return [
        DeviceLine(
            device=s.status.device,
            role=s.status.role or "unknown",
            online=s.status.state == "online",
            version=s.status.version,
            faults=s.status.faults,
            last_seen=s.status.ts.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            heard=_ago(now - s.received),
            uptime=_uptime(s.status.uptime_s) if s.status.state == "online" else "–",
        )
        for s in sorted(view.statuses.values(), key=order)
    ]
