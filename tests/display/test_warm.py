"""Warming at start: the first call finds its text ready, as every later call does."""

from __future__ import annotations

from datetime import datetime

import pygame
import pytest

from config import EXAMPLE, load_config
from display.board_view import BoardPainter, Frame
from display.canvas import REHEARSAL
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import parse_call
from tests import payloads
from tests.payloads import dumps

WALL = datetime(2026, 11, 25, 10, 15).astimezone()


class RecordingTextCache(TextCache):
    """A text cache that keeps what it had to compose, and what it was asked to warm."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.composed: list[tuple[str, int]] = []
        self.warmed: list[tuple[str, int]] = []

    def _compose(self, text, size, colour, bold):
        self.composed.append((text, size))
        return super()._compose(text, size, colour, bold)

    def warm(self, text, size, bold=False):
        self.warmed.append((text, size))
        super().warm(text, size, bold)


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_after_warming_the_first_call_composes_only_its_new_ticket(config, size) -> None:
    text = RecordingTextCache(find_fonts())
    surface = pygame.Surface(size)
    painter = BoardPainter(config, text, size)
    state = BoardState(flash_seconds=10)
    painter.paint(surface, Frame(state, 0.0, WALL))  # the welcome board
    before = pygame.image.tobytes(surface, "RGB")
    steps = sum(1 for _ in painter.warming())
    assert steps > 10  # in slices, not one long stall
    assert pygame.image.tobytes(surface, "RGB") == before  # drawn onto nothing
    assert REHEARSAL not in painter.placed
    text.composed.clear()
    state.apply_call(parse_call(dumps(payloads.call("A023", "3", "c1"))), now=1.0)
    painter.paint(surface, Frame(state, 1.1, WALL))  # bright: the flash's colours
    ticket = next(p for p in painter.placed["hero"] if p.text == "A023")
    assert text.composed == [("A023", ticket.size)]  # labels, "go to" lines: all ready
    assert ("ACPTV0123456789", ticket.size) in text.warmed  # its glyphs were rasterised
    painter.paint(surface, Frame(state, 1.6, WALL))  # steady colours
    assert [t for t, _ in text.composed] == ["A023", "A023"]
    state.apply_call(parse_call(dumps(payloads.call("C105", "4", "c2"))), now=20.0)
    text.composed.clear()
    painter.paint(surface, Frame(state, 20.1, WALL))  # the first call moves to the list
    assert sorted(t for t, _ in text.composed) == ["A023", "C105"]  # new tickets only


def test_warming_a_board_with_no_counters_or_services_is_harmless(config) -> None:
    import dataclasses

    bare = dataclasses.replace(config, counters=(), services=())
    painter = BoardPainter(bare, TextCache(find_fonts()), (1280, 720))
    assert painter.warm() >= 0
