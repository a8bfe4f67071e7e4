"""The worst a lobby can configure and be sent, at every layout: nothing leaves its box.

Names at the config's limit (80 characters per language), six-character tickets, five-digit
waiting counts, eight services and counters, the longest notice. For every region: each
drawn rect lies inside the box it was given and inside its region, no two of a region touch,
and the pixels outside them are the region's own backdrop and fills (the log cannot lie).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pygame
import pytest

from config import EXAMPLE, load_config
from config.names import Names
from config.settings import Config, Counter, Service
from display.board_view import BoardPainter, Frame
from display.fonts import find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import MAX_WAITING, Notice, NoticePage, parse_board
from tests import payloads
from tests.conftest import readings
from tests.payloads import dumps

WALL = datetime(2026, 11, 25, 10, 15).astimezone()
NO_NOTICE = Notice()
SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920), (1920, 360)]
NAME_LIMIT = 80  # config/reader.py: names() takes at most 80 characters per language
ZH = "综合业务与理赔保全服务窗口"
EN = " (general business, claims, policy changes and renewals)"
TICKETS = ["ZZ9999", "ZZ1111", "AB1234", "WW8888", "MW0000", "WM9090", "QQ8080", "ZW9999"]
WORST_NOTICE = Notice(
    marquee=(
        "温馨提示：" + "请您保管好个人证件与财物，" * 20,
        "Please keep " + "your papers " * 16,
    ),
    pages=(
        NoticePage(
            ("理赔申请所需材料与办理流程说明" * 6)[:80],
            tuple(
                ("医疗费用原始收据及病历 Original medical receipts " * 5)[:200] for _ in range(16)
            ),
        ),
    ),
)


def _long(start: str, filler: str) -> str:
    return (start + filler * NAME_LIMIT)[:NAME_LIMIT]


def worst_config(base: Config, zh_long: bool, en_long: bool) -> Config:
    """Eight services and eight counters whose names are as long as a config may make them."""

    def names(zh: str, en: str) -> Names:
        return Names(
            {"zh": _long(zh, ZH) if zh_long else zh, "en": _long(en, EN) if en_long else en}
        )

    services = tuple(
        Service(f"s{i}", TICKETS[i - 1][:2], names(f"业务{i}", f"Service {i}")) for i in range(1, 9)
    )
    counters = tuple(
        Counter(str(i), (f"s{i}",), names(f"{i}号窗口", f"Counter {i}")) for i in range(1, 9)
    )
    return dataclasses.replace(
        base,
        site_name=names("客户服务中心", "Customer Service Centre"),
        services=services,
        counters=counters,
    )


def worst_board() -> BoardState:
    listed = [
        {"id": f"c{n}", "ticket": TICKETS[n % 8], "counter": str(1 + n % 8), "service": "s1"}
        | {"ts": payloads.TS}
        for n in range(20)
    ]
    waiting = {f"s{i}": MAX_WAITING for i in range(1, 9)}
    state = BoardState()
    state.apply_snapshot(parse_board(dumps(payloads.board(1, listed, waiting=waiting))))
    return state


@pytest.fixture(scope="module")
def base():
    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def text():
    return TextCache(find_fonts())


def paint(config, text, size, state, notice=NO_NOTICE, link_up=True):
    surface = pygame.Surface(size)
    painter = BoardPainter(config, text, size)
    painter.paint(surface, Frame(state, 100.0, WALL, link_up, notice))
    return surface, painter


def regions(painter: BoardPainter) -> dict[str, pygame.Rect]:
    found = {name: getattr(painter.layout, name) for name in painter.placed}
    return {name: rect for name, rect in found.items() if rect is not None}


def assert_in_boxes_and_apart(painter: BoardPainter, size) -> None:
    for name, area in regions(painter).items():
        placed = painter.placed[name]
        for item in placed:
            where = f"{size} {name}: {item.text[:20]!r} at {item.rect} in {item.box}"
            assert item.rect.width > 0 and item.rect.height > 0, where
            assert item.box.contains(item.rect), f"leaves its box: {where}"
            assert area.contains(item.rect), f"leaves the region {area}: {where}"
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                # touching counts: a rect grown by a pixel must not meet the other
                assert not a.rect.inflate(2, 2).colliderect(b.rect), (
                    f"{size} {name}: {a.text[:20]!r} {a.rect} touches {b.text[:20]!r} {b.rect}"
                )


def assert_no_stray_ink(surface: pygame.Surface, painter: BoardPainter, size) -> None:
    """Outside the logged rects, a region shows only its own backdrop and fills."""
    for name, area in regions(painter).items():
        part = surface.subsurface(area)
        stray = pygame.mask.Mask(area.size, fill=True)
        for colour in {fill.colour for fill in painter.fills[name]}:
            stray.erase(pygame.mask.from_threshold(part, colour, (1, 1, 1, 255)), (0, 0))
        for item in painter.placed[name]:
            stray.erase(
                pygame.mask.Mask(item.rect.size, fill=True),
                item.rect.move(-area.x, -area.y).topleft,
            )
        assert stray.count() == 0, (
            f"{size} {name}: {stray.count()} pixels of ink outside every drawn rect, "
            f"e.g. at {stray.get_bounding_rects()[:3]} (relative to {area.topleft})"
        )


VARIANTS = {
    # names long in Chinese, the notice up, the broker away (the badge)
    "zh-long": dict(zh_long=True, en_long=False, notice=WORST_NOTICE, link_up=False),
    # names long in English, no notice: the recent calls take the whole column
    "en-long": dict(zh_long=False, en_long=True, notice=Notice(), link_up=True),
    "both-long": dict(zh_long=True, en_long=True, notice=WORST_NOTICE, link_up=True),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_worst_case_stays_in_its_boxes(base, text, size, variant) -> None:
    v = VARIANTS[variant]
    config = worst_config(base, v["zh_long"], v["en_long"])
    state = worst_board()
    surface, painter = paint(config, text, size, state, v["notice"], v["link_up"])
    assert_in_boxes_and_apart(painter, size)
    assert_no_stray_ink(surface, painter, size)
    hero = [p.text for p in painter.placed["hero"]]
    assert "ZZ9999" in hero  # a ticket is never cut short
    recent = [p.text for p in painter.placed["recent"]]
    shown = [call.ticket for call in painter.visible_calls(state)[1:]]
    assert len(shown) >= 2 and [t for t in recent if t in TICKETS] == shown
    footer = [p.text for p in painter.placed["footer"]]
    assert footer.count(str(MAX_WAITING)) == 8  # every count whole
    if not v["link_up"]:
        assert "正在重新连接…" in footer


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_example_lobby_stays_in_its_boxes(base, text, size) -> None:
    """The shipped config with a short notice: the marquee repeats, pages have room."""
    notice = Notice(
        marquee=("欢迎光临", "Welcome"),
        pages=(NoticePage("理赔申请所需材料", ("理赔申请书", "被保险人身份证件")),),
    )
    for link_up in (True, False):
        surface, painter = paint(base, text, size, worst_board(), notice, link_up)
        assert_in_boxes_and_apart(painter, size)
        assert_no_stray_ink(surface, painter, size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_empty_board_with_long_names_stays_in_its_boxes(base, text, size) -> None:
    config = worst_config(base, True, True)
    surface, painter = paint(config, text, size, BoardState(), WORST_NOTICE)
    assert_in_boxes_and_apart(painter, size)
    assert_no_stray_ink(surface, painter, size)
    assert [p.text for p in painter.placed["footer"]].count("–") == 8


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_six_character_ticket_reads_back_whole(base, text, size) -> None:
    config = worst_config(base, True, True)
    surface, painter = paint(config, text, size, worst_board(), WORST_NOTICE)
    ticket = next(p.rect for p in painter.placed["hero"] if p.text == "ZZ9999")
    assert "ZZ9999" in readings(surface, ticket, "ZZ9999")
    row = next(p.rect for p in painter.placed["recent"] if p.text == "ZZ1111")
    assert "ZZ1111" in readings(surface, row, "ZZ1111")


def test_the_checks_see_what_the_log_leaves_out(base, text) -> None:
    """The checks themselves: a text drawn without a log entry, and two that touch."""
    surface, painter = paint(base, text, (1280, 720), worst_board())
    assert_in_boxes_and_apart(painter, "as painted")
    assert_no_stray_ink(surface, painter, "as painted")
    footer = painter.layout.footer
    surface.blit(text.render("X", 20, (255, 0, 0)), footer.move(2, 2).topleft)
    with pytest.raises(AssertionError, match="ink outside every drawn rect"):
        assert_no_stray_ink(surface, painter, "a stray X")
    first = painter.placed["hero"][0]
    below = first.rect.move(0, first.rect.height)  # its top row on the other's bottom one
    painter.placed["hero"].append(first._replace(rect=below, box=painter.layout.hero))
    with pytest.raises(AssertionError, match="touches"):
        assert_in_boxes_and_apart(painter, "two touching")
