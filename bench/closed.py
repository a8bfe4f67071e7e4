"""What the closed page costs: the switch at the opening and closing minute (the board laid
out again and every region drawn), and an idle minute of the closed page (clock, marquee).

In this process, for 720p, 1080p and 4K, with the example's notice and opening hours
(Mon-Fri 08:30-12:00, 13:30-17:00): the board -> the closed page, the closed page -> the
board, and a frame of the closed page with the marquee moving, in ms (mean of many, warm
text cache). SDL's dummy driver stands in for the TV, as in bench/render.py.

    .venv/bin/python bench/closed.py
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import dataclasses
import os
import sys
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from config import EXAMPLE, load_config  # noqa: E402
from display.board_view import BoardPainter, Frame  # noqa: E402
from display.closed import lobby_day  # noqa: E402
from display.fonts import find_fonts  # noqa: E402
from display.text import TextCache  # noqa: E402
from lobby.board import BoardState  # noqa: E402
from lobby.contract import parse_board, parse_notice  # noqa: E402
from lobby.hours import OpeningHours, parse_spans  # noqa: E402

BOARD = (ROOT / "docs" / "examples" / "board.json").read_bytes()
NOTICE = (ROOT / "docs" / "examples" / "notice.json").read_bytes()
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "4K": (3840, 2160)}
WEEK = OpeningHours(
    tuple(parse_spans(t) for t in ["08:30-12:00, 13:30-17:00"] * 5 + ["09:00-12:00", ""])
)
OPEN = datetime(2026, 11, 25, 16, 59).astimezone()  # a Wednesday
CLOSED = datetime(2026, 11, 25, 19, 30).astimezone()


def main() -> None:
    config = dataclasses.replace(load_config(EXAMPLE), hours=WEEK)
    notice = parse_notice(NOTICE)
    text = TextCache(find_fonts())
    state = BoardState()
    state.apply_snapshot(parse_board(BOARD))
    days = {wall: lobby_day(config, wall, 0) for wall in (OPEN, CLOSED)}
    pygame.display.init()
    print("per frame (ms, mean)    board -> closed   closed -> board   closed page, idle minute")
    for name, size in SIZES.items():
        screen = pygame.display.set_mode(size)
        painter = BoardPainter(config, text, size)

        def paint(
            wall: datetime,
            now: float,
            painter: BoardPainter = painter,
            screen: pygame.Surface = screen,
        ) -> None:
            frame = Frame(state, now, wall, True, notice, days[wall])
            pygame.display.update(painter.paint(screen, frame))

        paint(OPEN, 0.0)
        paint(CLOSED, 0.0)  # both layouts' text in the cache once
        switches = {OPEN: 0.0, CLOSED: 0.0}
        rounds = 20
        for _ in range(rounds):
            for wall in (OPEN, CLOSED):
                started = time.perf_counter()
                paint(wall, 0.0)
                switches[wall] += time.perf_counter() - started
        started = time.perf_counter()
        steps = 250  # ten seconds of marquee at 25 frames a second
        for i in range(steps):
            paint(CLOSED, 1 + i / 25)
        idle = (time.perf_counter() - started) * 1000 / steps
        print(
            f"{name:>6} {size[0]}x{size[1]:<11} {switches[CLOSED] * 1000 / rounds:12.2f}"
            f" {switches[OPEN] * 1000 / rounds:17.2f} {idle:19.2f}"
        )
    pygame.display.quit()


if __name__ == "__main__":
    main()
