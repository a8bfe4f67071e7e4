"""The complete board: notices, pages, themes, fonts, every layout, recalls."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, load_config
from config.theme import BUILT_IN, ThemeFonts
from display.board_view import BoardPainter, Frame
from display.fonts import FontChoice, FontFace, find_fonts
from display.text import TextCache
from lobby.board import BoardState
from lobby.contract import Notice, NoticePage, parse_board, parse_call
from tests import payloads
from tests.conftest import TICKET_ALPHABET, ocr_line
from tests.payloads import dumps

WALL = datetime(2026, 11, 25, 10, 15).astimezone()
NOTICE = Notice(
    marquee=("欢迎光临", "Welcome"),
    pages=(
        NoticePage("理赔申请所需材料", ("理赔申请书", "被保险人身份证件")),
        NoticePage("保单变更流程", ("取号", "填写申请书")),
    ),
)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def text(config):
    return TextCache(find_fonts())


def board(calls=(("c3", "A023", "3"), ("c2", "C105", "4"), ("c1", "V002", "1"))) -> BoardState:
    listed = [
        {"id": i, "ticket": t, "counter": c, "service": "general", "ts": payloads.TS}
        for i, t, c in calls
    ]
    state = BoardState()
    state.apply_snapshot(parse_board(dumps(payloads.board(1, listed))))
    return state


def texts(painter: BoardPainter, region: str) -> list[str]:
    return [t for t, _ in painter.drawn.get(region, [])]


def where(painter: BoardPainter, region: str, text: str) -> pygame.Rect:
    return next(r for t, r in painter.drawn[region] if t == text)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)])
def test_every_layout_puts_the_tickets_where_they_belong_and_readable(config, text, size) -> None:
    surface = pygame.Surface(size)
    painter = BoardPainter(config, text, size)
    painter.paint(surface, Frame(board(), 0.0, WALL, True, NOTICE))
    hero, recent = where(painter, "hero", "A023"), where(painter, "recent", "C105")
    assert painter.layout.hero.contains(hero) and painter.layout.recent.contains(recent)
    assert hero.height > size[1] * (0.1 if size[1] > size[0] else 0.2)
    assert ocr_line(surface, hero, TICKET_ALPHABET) == "A023"
    assert ocr_line(surface, recent, TICKET_ALPHABET) == "C105"
    assert texts(painter, "pages")[0] == "理赔申请所需材料"
    assert texts(painter, "marquee") == ["欢迎光临　　◆　　Welcome　　◆　　"]
    regions = [r for r in vars(painter.layout).values() if isinstance(r, pygame.Rect)]
    for i, a in enumerate(regions):  # regions tile the screen without overlapping
        assert pygame.Rect((0, 0), size).contains(a)
        assert all(not a.colliderect(b) for b in regions[i + 1 :])
    for region, drawn in painter.drawn.items():
        for label, rect in drawn:
            assert getattr(painter.layout, region).contains(rect), (size, region, label)


def test_no_notice_gives_the_board_back_its_room(config, text) -> None:
    painter = BoardPainter(config, text, (1920, 1080))
    surface = pygame.Surface((1920, 1080))
    painter.paint(surface, Frame(board(), 0.0, WALL, True, NOTICE))
    with_notice = painter.layout.recent.height
    painter.paint(surface, Frame(board(), 1.0, WALL, True, Notice()))
    assert painter.layout.marquee is None and painter.layout.pages is None
    assert painter.layout.recent.height > with_notice
    assert "pages" not in painter.drawn and "marquee" not in painter.drawn


def test_the_marquee_moves_alone_at_its_frame_rate(config, text) -> None:
    painter = BoardPainter(config, text, (1920, 1080))
    surface = pygame.Surface((1920, 1080))
    painter.paint(surface, Frame(board(), 0.0, WALL, True, NOTICE))
    before = where(painter, "marquee", texts(painter, "marquee")[0])
    step = 1 / config.display.theme.marquee_fps
    assert painter.next_change(Frame(board(), 0.0, WALL, True, NOTICE)) == pytest.approx(step)
    dirty = painter.paint(surface, Frame(board(), 0.5, WALL, True, NOTICE))
    assert dirty == [painter.layout.marquee]
    after = where(painter, "marquee", texts(painter, "marquee")[0])
    assert after.x < before.x or after.width != before.width


def test_pages_turn_on_their_own_and_only_their_region_repaints(config, text) -> None:
    painter = BoardPainter(config, text, (1920, 1080))
    surface = pygame.Surface((1920, 1080))
    notice = Notice(pages=NOTICE.pages)  # no marquee: nothing else moves
    painter.paint(surface, Frame(board(), 0.0, WALL, True, notice))
    assert texts(painter, "pages")[:2] == ["理赔申请所需材料", "1/2"]
    assert painter.next_change(Frame(board(), 0.0, WALL, True, notice)) == 12.0
    assert painter.paint(surface, Frame(board(), 11.9, WALL, True, notice)) == []
    assert painter.paint(surface, Frame(board(), 12.0, WALL, True, notice)) == [
        painter.layout.pages
    ]
    assert texts(painter, "pages")[:2] == ["保单变更流程", "2/2"]


def test_a_recall_says_so_and_flashes_again(config, text) -> None:
    state = board()
    recall = parse_call(
        dumps(payloads.call("C105", "4", "c-r", kind="recall", ts="2026-11-24T10:20:00+08:00"))
    )
    state.apply_call(recall, now=5.0)
    surface = pygame.Surface((1920, 1080))
    painter = BoardPainter(config, text, (1920, 1080))
    painter.paint(surface, Frame(state, 5.1, WALL))
    assert texts(painter, "hero")[:2] == ["再次叫号  Calling again", "C105"]
    assert "C105" not in texts(painter, "recent")  # not listed twice


def test_theme_colours_background_and_logo_are_applied(config, text, tmp_path: Path) -> None:
    hall = pygame.Surface((64, 36))
    hall.fill((200, 10, 200))
    logo = pygame.Surface((40, 20))
    logo.fill((10, 220, 30))
    pygame.image.save(hall, str(tmp_path / "hall.png"))
    pygame.image.save(logo, str(tmp_path / "logo.png"))
    theme = dataclasses.replace(
        BUILT_IN["default"],
        colours=dataclasses.replace(BUILT_IN["default"].colours, hero_bg=(18, 52, 86)),
        background_image=tmp_path / "hall.png",
        logo=tmp_path / "logo.png",
    )
    surface = pygame.Surface((1920, 1080))
    painter = BoardPainter(config, text, (1920, 1080), theme)
    painter.paint(surface, Frame(board(), 100.0, WALL))
    hero = painter.layout.hero
    assert surface.get_at((hero.centerx, hero.y + painter.layout.unit * 2 + 5))[:3] == (18, 52, 86)
    assert surface.get_at((hero.x + 2, hero.y + 2))[:3] == (200, 10, 200)  # around the card
    logo_rect = where(painter, "header", "logo")
    assert surface.get_at(logo_rect.center)[:3] == (10, 220, 30)
    assert painter.layout.header.contains(logo_rect)


def test_a_glyph_the_main_font_lacks_is_drawn_by_a_fallback_not_a_box() -> None:
    noto = find_fonts()
    latin_only = FontChoice(FontFace(DEJAVU), FontFace(DEJAVU), (noto.regular,))
    mixed = TextCache(latin_only)
    cjk = TextCache(FontChoice(noto.regular, noto.bold))
    assert [i for i, _ in mixed.runs("客户 Service")] == [0, -1]
    drawn = mixed.render("客户", 48, (255, 255, 255))
    expected = cjk.render("客户", 48, (255, 255, 255))
    assert drawn.get_size() == expected.get_size()
    assert pygame.image.tobytes(drawn, "RGBA") == pygame.image.tobytes(expected, "RGBA")
    boxed = TextCache(FontChoice(FontFace(DEJAVU), FontFace(DEJAVU))).render("客户", 48, (255,) * 3)
    assert boxed.get_size() != expected.get_size()  # without the fallback: .notdef boxes


def test_the_system_fonts_and_dejavu_back_up_a_themes_font() -> None:
    chosen = find_fonts(theme=ThemeFonts(regular=DEJAVU))
    assert chosen.regular.path == DEJAVU
    assert any(
        "NotoSansCJK" in face.path.name or "wqy" in face.path.name for face in chosen.fallback
    )


def test_a_mixed_line_fits_its_box(config, text) -> None:
    long = "医疗费用原始收据及病历 Original medical receipts and records " * 3
    lines = text.wrap(long, 32, 600)
    assert len(lines) > 2 and all(text.width(line, 32) <= 600 for line in lines)
    assert "".join(lines).replace(" ", "") == long.replace(" ", "")
