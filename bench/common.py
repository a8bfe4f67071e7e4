"""What the benchmarks share: a lobby config on a private broker, the daemon as a process,
percentiles."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from lobby.contract import encode, format_ts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "lobby.toml"


def call_payload(call_id: str, ticket: str, counter: str) -> bytes:
    """A CallEvent of the general service, stamped now, as a queue engine sends it."""
    return encode(
        {
            "id": call_id,
            "ticket": ticket,
            "counter": counter,
            "service": "general",
            "kind": "call",
            "ts": format_ts(datetime.now().astimezone()),
        }
    )


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def lobby_config(
    work: Path,
    port: int,
    size: tuple[int, int] | None = None,
    changes: dict[str, str] | None = None,
) -> Path:
    """The example lobby on the bench's broker, written into ``work``."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("port = 1883", f"port = {port}")
    text = text.replace('host = "localhost"', 'host = "127.0.0.1"')
    if size is not None:
        text = text.replace("width = 0\nheight = 0", f"width = {size[0]}\nheight = {size[1]}")
    for old, new in (changes or {}).items():
        text = text.replace(old, new)
    path = work / "callboard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def start_daemon(config: Path, work: Path) -> subprocess.Popen[bytes]:
    """``callboard run`` headless (SDL's dummy video and audio), as a process of its own."""
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "callboard", "run", "--config", str(config)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
