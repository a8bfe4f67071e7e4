"""The counter's page as pixels, at every size a counter's screen comes in: the ticket read
off the frame, the English lines read by tesseract, the Chinese ones from the drawn log,
every text inside its box and its part, the faces large enough to touch."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pygame
import pytest

from config import EXAMPLE, Config, load_config
from display.counter_view import CounterPainter, counter_layout
from display.fonts import find_fonts
from display.regions import Frame
from display.text import TextCache
from lobby.board import BoardState
from lobby.counter_page import CLOSED, IDLE, RATING, SERVING, THANKS, CounterLook
from tests.conftest import ocr_line, readings

WALL = datetime(2026, 11, 25, 10, 15).astimezone()
SIZES = [(800, 480), (1024, 600), (1280, 720), (1920, 360)]


@pytest.fixture(scope="module")
def config() -> Config:
    example = load_config(EXAMPLE)
    display = dataclasses.replace(example.display, layout="counter", counter="3")
    return dataclasses.replace(example, display=display)


@pytest.fixture(scope="module")
def text(config: Config) -> TextCache:
    return TextCache(find_fonts(config.display.font))


def paint(
    config: Config, text: TextCache, size: tuple[int, int], look: CounterLook, up: bool = True
) -> tuple[pygame.Surface, CounterPainter]:
    surface = pygame.Surface(size)
    painter = CounterPainter(config, text, size)
    painter.paint(surface, Frame(BoardState(), 0.0, WALL, up, counter=look))
    return surface, painter


def where(painter: CounterPainter, part: str, line: str) -> pygame.Rect:
    return next(rect for text, rect in painter.drawn[part] if text == line)


def texts(painter: CounterPainter, part: str) -> list[str]:
    return [text for text, _ in painter.drawn[part]]


def everything_in_place(painter: CounterPainter, size: tuple[int, int]) -> None:
    """Each text inside its box, each box inside its part, each part on the screen."""
    screen = pygame.Rect((0, 0), size)
    for part, placed in painter.placed.items():
        area: pygame.Rect = getattr(painter.layout, part)
        assert screen.contains(area)
        for item in placed:
            assert area.contains(item.rect), (part, item.text, item.rect, area)
            if not item.text.startswith("face "):
                assert item.box.contains(item.rect), (part, item.text, item.rect, item.box)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_serving_shows_the_counter_the_ticket_and_its_service(config, text, size) -> None:
    surface, painter = paint(config, text, size, CounterLook(SERVING, "A023", "general"))
    everything_in_place(painter, size)
    assert texts(painter, "counter_header")[:2] == ["3号窗口", "Counter 3"]
    assert "10:15" in texts(painter, "counter_header")
    body = texts(painter, "counter_body")
    assert body == ["正在办理  Now serving", "A023", "综合业务  General business"]
    ticket = where(painter, "counter_body", "A023")
    assert ticket.height >= size[1] * 0.28  # the largest thing on the page
    assert "A023" in readings(surface, ticket, "A023")
    assert ocr_line(surface, where(painter, "counter_header", "Counter 3")) == "Counter 3"
    footer = " ".join(texts(painter, "counter_footer"))
    assert "General business" in footer and "Consultation" in footer and "咨询" in footer


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_recall_flashes_the_card_and_says_calling_again(config, text, size) -> None:
    look = CounterLook(SERVING, "C105", "consult", bright=True, recall=True)
    surface, painter = paint(config, text, size, look)
    everything_in_place(painter, size)
    colours = config.display.theme.colours
    assert texts(painter, "counter_body")[:2] == ["再次叫号  Calling again", "C105"]
    card = painter.fills["counter_body"][-1]
    assert card.colour == colours.hero_flash_bg
    assert surface.get_at(card.rect.move(4, 0).midleft)[:3] == colours.hero_flash_bg
    ticket = where(painter, "counter_body", "C105")
    assert "C105" in readings(surface, ticket, "C105")
    steady, _ = paint(config, text, size, dataclasses.replace(look, bright=False))
    assert steady.get_at(card.rect.move(4, 0).midleft)[:3] == colours.hero_bg


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_paused_counter_says_closed_and_why(config, text, size) -> None:
    surface, painter = paint(config, text, size, CounterLook(CLOSED, reason="Lunch break"))
    everything_in_place(painter, size)
    body = " ".join(texts(painter, "counter_body"))
    assert "暂停服务" in body and "Closed" in body and "请留意叫号屏" in body
    assert ocr_line(surface, where(painter, "counter_body", "Lunch break")) == "Lunch break"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_idle_counter_welcomes(config, text, size) -> None:
    surface, painter = paint(config, text, size, CounterLook(IDLE))
    everything_in_place(painter, size)
    body = " ".join(texts(painter, "counter_body"))
    assert "欢迎光临" in body and "Please take a ticket and watch the call screen" in body
    title = next(rect for line, rect in painter.drawn["counter_body"] if "Welcome" in line)
    assert ocr_line(surface, title).endswith("Welcome")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_rating_faces_are_large_enough_to_touch(config, text, size) -> None:
    surface, painter = paint(config, text, size, CounterLook(RATING, "A023", scale=3))
    everything_in_place(painter, size)
    faces = painter.body.faces
    assert sorted(faces) == [1, 2, 3]
    assert faces[3].centerx < faces[2].centerx < faces[1].centerx  # the happiest first
    for card in faces.values():
        assert min(card.size) >= min(size) * 0.35, card
        assert painter.face_at(card.center) is not None
    for score, label in ((3, "Satisfied"), (2, "Neutral"), (1, "Unsatisfied")):
        assert faces[score].contains(where(painter, "counter_body", label))
    assert ocr_line(surface, where(painter, "counter_body", "Neutral")) == "Neutral"
    assert {"满意", "一般", "不满意"} <= set(texts(painter, "counter_body"))
    drawn = {t for t, _ in painter.drawn["counter_body"] if t.startswith("face ")}
    assert drawn == {"face 1", "face 2", "face 3"}
    assert painter.face_at((0, 0)) is None


def test_five_faces_and_the_one_touched_marked(config, text) -> None:
    look = CounterLook(RATING, "A023", scale=5, chosen=4)
    _, painter = paint(config, text, (800, 480), look)
    everything_in_place(painter, (800, 480))
    assert sorted(painter.body.faces) == [1, 2, 3, 4, 5]
    assert {"非常满意", "非常不满意"} <= set(texts(painter, "counter_body"))
    colours = config.display.theme.colours
    marked = [f.rect for f in painter.fills["counter_body"] if f.colour == colours.hero_flash_bg]
    assert marked == [painter.body.faces[4]]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_thanks_after_a_rating(config, text, size) -> None:
    surface, painter = paint(config, text, size, CounterLook(THANKS))
    everything_in_place(painter, size)
    line = "Thank you for your feedback"
    assert "谢谢您的评价" in texts(painter, "counter_body")
    assert ocr_line(surface, where(painter, "counter_body", line)) == line
    assert painter.face_at((size[0] // 2, size[1] // 2)) is None


def test_offline_the_footer_says_reconnecting_politely(config, text) -> None:
    _, painter = paint(config, text, (800, 480), CounterLook(IDLE), up=False)
    assert texts(painter, "counter_footer") == ["正在重新连接…", "Reconnecting…"]


def test_a_bar_puts_the_parts_side_by_side_and_a_screen_stacks_them() -> None:
    bar = counter_layout(1920, 360)
    assert bar.counter_header.right == bar.counter_body.left
    assert bar.counter_body.right == bar.counter_footer.left
    screen = counter_layout(800, 480)
    assert screen.counter_header.bottom == screen.counter_body.top
    assert screen.counter_body.bottom == screen.counter_footer.top


def test_a_long_name_and_a_six_character_ticket_still_fit(config, text) -> None:
    long_name = "柜" * 80
    counters = tuple(
        dataclasses.replace(c, name=type(c.name)({"zh": long_name, "en": "W" * 80}))
        if c.id == "3"
        else c
        for c in config.counters
    )
    crowded = dataclasses.replace(config, counters=counters)
    for size in SIZES:
        _, painter = paint(crowded, text, size, CounterLook(SERVING, "ZZ9999", "general"))
        everything_in_place(painter, size)
        assert "ZZ9999" in texts(painter, "counter_body")  # a ticket is never cut
        assert texts(painter, "counter_header")[0].endswith("…")
