"""One frame of the board, drawn off-screen: previews, documentation, support, tests."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from config.settings import Config
from display.board_view import BoardPainter, Frame
from display.closed import lobby_day
from display.counter_view import CounterPainter
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import BoardSnapshot, Notice
from lobby.counter_page import CounterLook

DEFAULT_SIZE = (1920, 1080)


def render_size(
    config: Config,
    override: tuple[int, int] | None = None,
    default: tuple[int, int] = DEFAULT_SIZE,
) -> tuple[int, int]:
    """The size asked for, else the configured one, else the default (full HD)."""
    if override is not None:
        return override
    if config.display.width and config.display.height:
        return (config.display.width, config.display.height)
    return default


def render_board(
    config: Config,
    snapshot: BoardSnapshot | None,
    out: Path,
    size: tuple[int, int] = DEFAULT_SIZE,
    wall: datetime | None = None,
    link_up: bool = True,
    notice: Notice | None = None,
) -> BoardPainter:
    """Draw a snapshot as the lobby would see it and save it as a PNG: outside the config's
    opening hours (``wall``), the closed page."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame  # after the driver is chosen

    surface = pygame.Surface(size)
    theme = config.display.theme
    text = TextCache(find_fonts(config.display.font, theme.fonts))
    painter = BoardPainter(config, text, size)
    state = BoardState(20, config.display.flash_seconds, config.hall_area())
    if snapshot is not None:
        state.apply_snapshot(snapshot)
    wall = wall or datetime.now().astimezone()
    day = lobby_day(config, wall, sum(state.waiting.values()))
    painter.paint(surface, Frame(state, 0.0, wall, link_up, notice or Notice(), day))
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(out))
    return painter


def render_counter(
    config: Config,
    look: CounterLook,
    out: Path,
    size: tuple[int, int] = (800, 480),
    wall: datetime | None = None,
    link_up: bool = True,
) -> CounterPainter:
    """Draw the page of the config's counter (``[display] counter``) as it would show
    ``look``, and save it as a PNG."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame  # after the driver is chosen

    surface = pygame.Surface(size)
    text = TextCache(find_fonts(config.display.font, config.display.theme.fonts))
    painter = CounterPainter(config, text, size)
    state = BoardState(keep=20, flash_seconds=config.display.flash_seconds)
    wall = wall or datetime.now().astimezone()
    painter.paint(surface, Frame(state, 0.0, wall, link_up, Notice(), counter=look))
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(out))
    return painter
