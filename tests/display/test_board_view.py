"""The board as pixels: tickets where they belong, readable, in the theme's colours."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, load_config
from config.theme import BUILT_IN as THEMES
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.render import render_board
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import parse_board, parse_call
from lobby.errors import FontError
from tests import payloads
from tests.conftest import TICKET_ALPHABET, ocr_line
from tests.payloads import dumps

WALL = datetime(2026, 11, 25, 10, 15).astimezone()
CALLS = [("c3", "A023", "3"), ("c2", "C105", "4"), ("c1", "V002", "1")]


def snapshot(calls=CALLS, seq: int = 1):
    listed = [
        {"id": i, "ticket": t, "counter": c, "service": "general", "ts": payloads.TS}
        for i, t, c in calls
    ]
    return parse_board(dumps(payloads.board(seq, listed, waiting={"general": 7, "consult": 2})))


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def text(config):
    return TextCache(find_fonts(config.display.font))


def paint(config, text, state, size=(1920, 1080), now=0.0, link_up=True, theme="default"):
    surface = pygame.Surface(size)
    painter = BoardPainter(config, text, size, THEMES[theme])
    dirty = painter.paint(surface, Frame(state, now, WALL, link_up))
    return surface, painter, dirty


def region_text(painter: BoardPainter, region: str) -> list[str]:
    return [t for t, _ in painter.drawn[region]]


def rect_of(painter: BoardPainter, region: str, text: str) -> pygame.Rect:
    return next(r for t, r in painter.drawn[region] if t == text)


def test_the_newest_ticket_is_large_legible_and_in_the_hero(config, text) -> None:
    state = BoardState()
    state.apply_snapshot(snapshot())
    surface, painter, _ = paint(config, text, state)
    ticket = rect_of(painter, "hero", "A023")
    assert painter.layout.hero.contains(ticket)
    assert ticket.height > 1080 * 0.2  # readable across a hall
    assert ocr_line(surface, ticket, TICKET_ALPHABET) == "A023"
    gold = THEMES["default"].colours.ticket_fg
    pixels = pygame.PixelArray(surface)
    lit = sum(
        1
        for x in range(ticket.left, ticket.right, 4)
        for y in range(ticket.top, ticket.bottom, 4)
        if surface.unmap_rgb(pixels[x, y])[:3] == gold
    )
    pixels.close()
    assert lit > 0.15 * (ticket.width // 4) * (ticket.height // 4)


def test_the_hero_says_where_to_go_in_each_language(config, text) -> None:
    state = BoardState()
    state.apply_snapshot(snapshot())
    _, painter, _ = paint(config, text, state)
    assert region_text(painter, "hero") == [
        "正在叫号  Now calling",
        "A023",
        "请到 3号窗口",
        "Please go to Counter 3",
    ]


def test_recent_calls_show_their_counters_names_from_the_config(config, text) -> None:
    state = BoardState()
    state.apply_snapshot(snapshot())
    surface, painter, _ = paint(config, text, state)
    assert region_text(painter, "recent") == [
        "最近叫号  Recent calls",
        "C105",
        "4号咨询台",
        "Counter 4 (Consultation)",
        "V002",
        "1号绿色通道",
        "Counter 1 (Green channel)",
    ]
    for ticket in ("C105", "V002"):
        box = rect_of(painter, "recent", ticket)
        assert painter.layout.recent.contains(box)
        assert ocr_line(surface, box, TICKET_ALPHABET) == ticket


@pytest.mark.parametrize("size", [(1280, 720), (1080, 1920), (1920, 360)])
def test_recent_calls_name_the_counter_in_every_language_readably(config, text, size) -> None:
    """The second language sits under the first, smaller, in the same row: legible at 720p
    and on a TV hung vertically; on a bar too short for two lines, beside it."""
    state = BoardState()
    state.apply_snapshot(snapshot())
    surface, painter, _ = paint(config, text, state, size=size)
    zh = rect_of(painter, "recent", "4号咨询台")
    en = rect_of(painter, "recent", "Counter 4 (Consultation)")
    ticket = rect_of(painter, "recent", "C105")
    if size[1] > 360:
        assert en.top > zh.bottom and en.left == zh.left  # under it, aligned
        assert en.height >= 14  # about 20 px type: read across a lobby at 720p
    else:
        assert en.left > zh.right and abs(en.centery - zh.centery) <= 3  # beside it
    assert zh.top >= ticket.top - ticket.height // 2 and en.bottom <= ticket.bottom + ticket.height
    assert ocr_line(surface, en) == "Counter 4 (Consultation)"


def test_waiting_counts_per_service(config, text) -> None:
    state = BoardState()
    _, painter, _ = paint(config, text, state)
    assert region_text(painter, "footer").count("–") == 5  # no snapshot yet: unknown, not 0
    state.apply_snapshot(snapshot())
    _, painter, _ = paint(config, text, state)
    footer = region_text(painter, "footer")
    assert footer[footer.index("General business") + 1] == "7"
    assert footer[footer.index("Consultation") + 1] == "2"
    assert footer[footer.index("Cashier") + 1] == "0"


def test_an_empty_board_welcomes_politely(config, text) -> None:
    _, painter, _ = paint(config, text, BoardState())
    assert region_text(painter, "hero")[0] == "欢迎光临  Welcome"
    assert "请取号，留意叫号屏" in region_text(painter, "hero")


def test_the_header_has_the_site_clock_and_date(config, text) -> None:
    _, painter, _ = paint(config, text, BoardState())
    assert region_text(painter, "header") == [
        "客户服务中心",
        "Customer Service Centre",
        "10:15",
        "11月25日 星期三",
        "Wed 25 Nov",
    ]


def test_a_lost_broker_shows_a_polite_badge_and_keeps_the_board(config, text) -> None:
    state = BoardState()
    state.apply_snapshot(snapshot())
    _, painter, _ = paint(config, text, state, link_up=False)
    assert "正在重新连接…" in region_text(painter, "footer")
    assert "A023" in region_text(painter, "hero")


def test_an_idle_board_repaints_nothing_and_a_flash_repaints_only_the_hero(config, text) -> None:
    state = BoardState(flash_seconds=10)
    surface = pygame.Surface((1280, 720))
    painter = BoardPainter(config, text, (1280, 720))
    assert len(painter.paint(surface, Frame(state, 0.0, WALL))) == 4
    assert painter.paint(surface, Frame(state, 0.2, WALL)) == []
    state.apply_call(parse_call(dumps(payloads.call("A030", "2", "c9"))), now=1.0)
    assert set(map(tuple, painter.paint(surface, Frame(state, 1.1, WALL)))) == {
        tuple(painter.layout.hero)
    }
    bright = surface.get_at(painter.layout.hero.inflate(-60, -60).topleft)[:3]
    assert bright == THEMES["default"].colours.hero_flash_bg
    assert painter.paint(surface, Frame(state, 1.6, WALL)) == [painter.layout.hero]
    assert surface.get_at(painter.layout.hero.inflate(-60, -60).topleft)[:3] == (
        THEMES["default"].colours.hero_bg
    )


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)])
def test_every_size_keeps_text_inside_its_region(config, text, size) -> None:
    state = BoardState()
    state.apply_snapshot(snapshot())
    _, painter, _ = paint(config, text, state, size=size)
    screen = pygame.Rect((0, 0), size)
    for region, drawn in painter.drawn.items():
        area = getattr(painter.layout, region)
        for label, rect in drawn:
            assert area.contains(rect), f"{size}: {label!r} leaves the {region}"
            assert screen.contains(rect)


def test_a_long_counter_name_shrinks_then_ellipsises(config, text) -> None:
    import dataclasses

    from config.settings import Counter, Names

    long = Counter("7", ("general",), Names({"zh": "7号" + "综合业务与理赔服务窗口" * 4}))
    config = dataclasses.replace(config, counters=(*config.counters, long))
    state = BoardState()
    state.apply_snapshot(snapshot([("c9", "A001", "1"), ("c8", "A000", "7")]))
    _, painter, _ = paint(config, text, state)
    label, rect = painter.drawn["recent"][-2]  # the Chinese name; "Counter 7" follows
    assert label.startswith("7号综合") and label.endswith("…")
    assert painter.layout.recent.contains(rect)
    assert painter.drawn["recent"][-1][0] == "Counter 7"


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="fonts-noto-cjk"):
        find_fonts(tmp_path / "nope.ttf")


def test_render_writes_the_png_a_person_would_see(tmp_path: Path, config) -> None:
    out = tmp_path / "board.png"
    painter = render_board(config, snapshot(), out, (1920, 1080), WALL)
    image = pygame.image.load(str(out))
    assert image.get_size() == (1920, 1080)
    for region, ticket in (("hero", "A023"), ("recent", "C105"), ("recent", "V002")):
        box = rect_of(painter, region, ticket)
        assert ocr_line(image, box, TICKET_ALPHABET) == ticket
