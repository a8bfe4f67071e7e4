"""The shape of the code: each room imports only the rooms inside it (docs: README's
"Working on callboard", and STYLE's table). A new arrow outward fails here, by name."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"lobby", "config", "mqtt_client", "display", "audio", "buttons", "engine", "screen"}
OURS |= {"kiosk"}
OURS |= {"console"}
OURS |= {"central"}
OURS |= {"callboard"}
MAY_IMPORT = {
    "lobby": {"lobby"},
    "config": {"lobby", "config"},
    "mqtt_client": {"lobby", "config", "mqtt_client"},
    "display": {"lobby", "config", "display"},
    "audio": {"lobby", "config", "audio"},
    "buttons": {"lobby", "config", "buttons"},
    "engine": {"lobby", "config", "mqtt_client", "engine"},
    "screen": {"lobby", "config", "mqtt_client", "display", "audio", "buttons", "screen"},
    "kiosk": {"lobby", "config", "mqtt_client", "display", "kiosk"},
    "console": {"lobby", "config", "mqtt_client", "central", "console"},
    "central": {"lobby", "config", "mqtt_client", "central"},
    "callboard": OURS,
}
# The pure domain: no I/O, no threads, no clock (time is passed in).
LOBBY_MAY_NOT = {"pygame", "paho", "gpiozero", "sqlite3", "threading", "time", "socket", "os"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(room: str) -> list[Path]:
    return sorted((ROOT / room).rglob("*.py"))


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_each_room_imports_only_the_rooms_inside_it(room: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(room)
        for name in imports_of(path) & OURS
        if name not in MAY_IMPORT[room]
    }
    assert not wrong, sorted(wrong)


def test_the_domain_uses_the_standard_library_only_and_no_clock() -> None:
    stdlib = set(sys.stdlib_module_names)
    for path in modules("lobby"):
        names = imports_of(path)
        outside = {n for n in names if n not in stdlib and n != "lobby"}
        assert not outside, f"{path.name} imports {outside}"
        assert not names & LOBBY_MAY_NOT, f"{path.name} imports {names & LOBBY_MAY_NOT}"
        text = path.read_text(encoding="utf-8")
        clock = re.search(r"\.now\(|\.today\(|time\.time\(|monotonic\(|perf_counter\(", text)
        assert clock is None, f"{path.name} reads a clock: {clock.group() if clock else ''}"


def test_services_never_import_each_other_and_nothing_imports_the_cli() -> None:
    for room in OURS - {"callboard"}:
        for path in modules(room):
            assert "callboard" not in imports_of(path), path
    for path in modules("engine"):
        assert not imports_of(path) & {"screen", "display", "audio", "buttons"}, path
    for path in modules("screen"):
        assert not imports_of(path) & {"engine", "kiosk"}, path
    for path in modules("kiosk"):
        assert not imports_of(path) & {"engine", "screen", "audio"}, path
    for path in modules("console"):  # the board preview is `callboard render`, a process
        assert not imports_of(path) & {"engine", "screen", "display", "pygame", "kiosk"}, path
        # The Network page reads the centre's store; the collector is a service of its own.
        assert "central.collector" not in path.read_text(encoding="utf-8"), path
