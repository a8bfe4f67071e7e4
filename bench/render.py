"""What drawing the board costs: per frame, and for the running daemon over time.

1. In this process, for 720p, 1080p and 4K: a full redraw, an idle frame (nothing
   changed), a marquee step and a flash step, in ms (mean of many, warm text cache),
   and what warming the first call's text costs once at start (in slices after the first
   frame; a fresh text cache, so FreeType rasterises everything it draws).
2. ``callboard run`` as a process at 1080p with a notice up (clock, marquee, pages):
   CPU % of one core over an idle stretch and over a stretch of call flashes, and the
   peak RSS, read from /proc.

SDL's dummy driver stands in for the TV: presenting a frame costs nothing there, so
the figures are the drawing itself (on a Pi, kmsdrm adds the copy of the changed rects).

    .venv/bin/python bench/render.py [--seconds 30] [--counter]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as mqtt  # noqa: E402
import pygame  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from bench.common import call_payload, lobby_config, start_daemon  # noqa: E402
from callboard.demo.broker import PrivateBroker  # noqa: E402
from config import EXAMPLE, Config, load_config  # noqa: E402
from display.board_view import BoardPainter, Frame  # noqa: E402
from display.counter_view import CounterPainter  # noqa: E402
from display.fonts import find_fonts  # noqa: E402
from display.text import TextCache  # noqa: E402
from lobby.board import BoardState  # noqa: E402
from lobby.contract import (  # noqa: E402
    Notice,
    parse_board,
    parse_call,
    parse_notice,
)
from lobby.counter_page import RATING, SERVING, CounterLook  # noqa: E402

BOARD = (ROOT / "docs" / "examples" / "board.json").read_bytes()
NOTICE = (ROOT / "docs" / "examples" / "notice.json").read_bytes()
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "4K": (3840, 2160)}
COUNTER_SIZES = [(800, 480), (1920, 360)]


def mean_ms(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for i in range(repeat):
        action(i)
    return (time.perf_counter() - started) * 1000 / repeat


def _costs_at(
    config: Config, text: TextCache, notice: Notice, size: tuple[int, int]
) -> tuple[float, float, float, float, float]:
    screen = pygame.display.set_mode(size)
    warm = BoardPainter(config, TextCache(find_fonts()), size).warm() * 1000
    painter = BoardPainter(config, text, size)
    state = BoardState()
    state.apply_snapshot(parse_board(BOARD))
    wall = datetime.now().astimezone()

    def paint(now: float, full: bool = False) -> None:
        if full:
            painter.invalidate()
        pygame.display.update(painter.paint(screen, Frame(state, now, wall, True, notice)))

    paint(0.0, True)
    full = mean_ms(lambda i: paint(0.0, True), 20)
    idle = mean_ms(lambda i: paint(0.0), 200)
    marquee = mean_ms(lambda i: paint(1 + i / 25), 125)
    call = parse_call(call_payload("flash", "A777", "2"))
    state.apply_call(call, now=1000.0)
    paint(1000.0)
    flash = mean_ms(lambda i: paint(1000.0 + 0.5 * (i + 1)), 16)
    return full, idle, marquee, flash, warm


def frame_costs() -> None:
    config = load_config(EXAMPLE)
    notice = parse_notice(NOTICE)
    text = TextCache(find_fonts())
    pygame.display.init()
    print(
        "per frame (ms, mean)      full redraw   idle frame   marquee step   flash step"
        "   warming once"
    )
    for name, size in SIZES.items():
        full, idle, marquee, flash, warm = _costs_at(config, text, notice, size)
        print(
            f"{name:>6} {size[0]}x{size[1]:<11} {full:10.2f} {idle:12.3f} {marquee:14.2f}"
            f" {flash:12.2f} {warm:14.0f}"
        )
    pygame.display.quit()


def _counter_at(
    config: Config, text: TextCache, size: tuple[int, int]
) -> tuple[float, float, float, float, float]:
    screen = pygame.display.set_mode(size)
    warm = CounterPainter(config, TextCache(find_fonts()), size).warm() * 1000
    painter = CounterPainter(config, text, size)
    wall = datetime.now().astimezone()
    looks = [CounterLook(SERVING, "A023", "general", bright=b) for b in (True, False)]
    faces = [CounterLook(RATING, "A023", scale=3), CounterLook(RATING, "A023", scale=5)]

    def paint(look: CounterLook, full: bool = False) -> None:
        if full:
            painter.invalidate()
        frame = Frame(BoardState(), 0.0, wall, True, counter=look)
        pygame.display.update(painter.paint(screen, frame))

    paint(looks[0], True)
    full = mean_ms(lambda i: paint(looks[0], True), 50)
    idle = mean_ms(lambda i: paint(looks[0]), 500)
    flash = mean_ms(lambda i: paint(looks[i % 2]), 50)
    rating = mean_ms(lambda i: paint(faces[i % 2]), 50)
    return full, idle, flash, rating, warm


def counter_costs() -> None:
    """The counter's page (``layout = "counter"``) at the Pi's touch display and a bar."""
    example = load_config(EXAMPLE)
    config = dataclasses.replace(
        example, display=dataclasses.replace(example.display, layout="counter", counter="3")
    )
    text = TextCache(find_fonts())
    pygame.display.init()
    print("\ncounter's page (ms, mean)  full redraw   idle frame   flash step   faces   warming")
    for size in COUNTER_SIZES:
        full, idle, flash, rating, warm = _counter_at(config, text, size)
        print(
            f"  {size[0]}x{size[1]:<22} {full:10.2f} {idle:12.3f} {flash:12.2f}"
            f" {rating:7.2f} {warm:9.0f}"
        )
    pygame.display.quit()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def daemon_costs(seconds: float) -> None:
    with PrivateBroker() as broker, tempfile.TemporaryDirectory() as work:
        config = lobby_config(Path(work), broker.port, (1920, 1080))
        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench")
        client.connect(broker.host, broker.port)
        client.loop_start()
        client.publish("callboard/hz-main/board", BOARD, qos=1, retain=True).wait_for_publish(5)
        client.publish("callboard/_all/notice", NOTICE, qos=1, retain=True).wait_for_publish(5)
        daemon = start_daemon(config, Path(work))
        try:
            time.sleep(5)  # start-up, font loading, first frames
            start_cpu, start = cpu_seconds(daemon.pid), time.monotonic()
            time.sleep(seconds)
            idle = (cpu_seconds(daemon.pid) - start_cpu) / (time.monotonic() - start) * 100
            start_cpu, start = cpu_seconds(daemon.pid), time.monotonic()
            i = 0
            while time.monotonic() - start < seconds:
                payload = call_payload(f"bench-{i}", f"A{100 + i}", "3")
                client.publish("callboard/hz-main/call", payload, qos=1)
                i += 1
                time.sleep(min(10.0, seconds - (time.monotonic() - start)) if seconds > 0 else 0)
            flashing = (cpu_seconds(daemon.pid) - start_cpu) / (time.monotonic() - start) * 100
            rss = peak_rss_mb(daemon.pid)
        finally:
            daemon.terminate()
            daemon.wait(10)
            client.publish("callboard/_all/notice", b"", retain=True)
            client.disconnect()
            client.loop_stop()
    print(f"\ncallboard run at 1920x1080 with clock, marquee and pages, {seconds:.0f} s each:")
    print(f"  CPU idle:            {idle:5.2f} % of one core")
    print(f"  CPU with a call every 10 s (flashing): {flashing:5.2f} % of one core")
    print(f"  peak RSS:            {rss:5.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--counter", action="store_true", help="the counter's page alone")
    args = parser.parse_args()
    if args.counter:
        counter_costs()
        return 0
    frame_costs()
    counter_costs()
    daemon_costs(args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
