"""``callboard fleet``: every device of every site as the centre last heard it, for a person
(a table) or a program (JSON), and whether anything needs a person."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from central.store import Device
from lobby.contract import format_ts


@dataclass(frozen=True)
class FleetLine:
    """One device: online only while its status says so and is fresh."""

    site: str
    device: str
    role: str
    state: str
    version: str
    faults: tuple[str, ...]
    last_seen: datetime
    age_s: float

    @property
    def needs_a_person(self) -> bool:
        return self.state != "online" or bool(self.faults)

    def as_json(self) -> dict[str, object]:
        return {
            "site": self.site,
            "device": self.device,
            "role": self.role,
            "state": self.state,
            "version": self.version,
            "faults": list(self.faults),
            "last_seen": format_ts(self.last_seen),
            "age_s": round(self.age_s),
        }


def fleet(devices: Sequence[Device], now: datetime, stale_after_s: float) -> list[FleetLine]:
    """A device is offline when its last status says so (its will) or is older than
    ``stale_after_s``: a site whose link to the centre is down goes quiet, not offline."""
    lines = []
    for d in devices:
        age = max(0.0, (now - d.last_seen).total_seconds())
        online = d.state == "online" and age <= stale_after_s
        faults = d.faults if d.state == "online" else ()
        lines.append(
            FleetLine(
                d.site,
                d.device,
                d.role,
                "online" if online else "offline",
                d.version,
                faults,
                d.last_seen,
                age,
            )
        )
    return lines


def ago(seconds: float) -> str:
    """How long ago, for a person: "40 s ago", "12 min ago", "3 h ago", "2 days ago"."""
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def as_table(lines: Sequence[FleetLine]) -> str:
    """Aligned columns and a closing summary line."""
    head = ("SITE", "DEVICE", "ROLE", "STATE", "VERSION", "LAST SEEN", "FAULTS")
    rows = [
        (
            line.site,
            line.device,
            line.role or "-",
            line.state,
            line.version,
            ago(line.age_s),
            "; ".join(line.faults) or "-",
        )
        for line in lines
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head) - 1)]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in [head, *rows]
    ]
    sites = len({line.site for line in lines})
    offline = sum(line.state != "online" for line in lines)
    faulty = sum(bool(line.faults) for line in lines)
    out.append(
        f"{len(lines)} devices at {sites} sites: {offline} offline, {faulty} with faults"
        if lines
        else "no device has reported yet (is callboard collect running?)"
    )
    return "\n".join(out)


def as_json(lines: Sequence[FleetLine]) -> str:
    return json.dumps([line.as_json() for line in lines], ensure_ascii=False, indent=1)
