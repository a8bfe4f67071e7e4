"""The closed page as the lobby reads it: drawn by ``callboard render`` outside the hours,
read back by tesseract; every line whole and inside the screen at every shape."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, Config, load_config
from display.render import render_board
from lobby.contract import Notice, NoticePage, parse_board
from lobby.hours import OpeningHours, parse_spans
from tests import payloads
from tests.conftest import ocr_line
from tests.payloads import dumps

WEEK = OpeningHours(
    tuple(parse_spans(t) for t in ["08:30-12:00, 13:30-17:00"] * 5 + ["09:00-12:00", ""])
)
EVENING = datetime(2026, 11, 25, 19, 30).astimezone()  # a Wednesday
NOTICE = Notice(("欢迎光临",), (NoticePage("理赔申请所需材料", ("理赔申请书",)),))


@pytest.fixture(scope="module")
def config() -> Config:
    return dataclasses.replace(load_config(EXAMPLE), hours=WEEK)


def test_the_closed_page_reads_closed_when_it_opens_and_the_weeks_hours(
    config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "closed.png"
    snapshot = parse_board(dumps(payloads.board(seq=9)))
    painter = render_board(config, snapshot, out, (1920, 1080), EVENING, notice=NOTICE)
    image = pygame.image.load(str(out))
    where = {text: rect for region in painter.drawn.values() for text, rect in region}
    for line in ("We are closed now", "We open tomorrow at 08:30", "Sat 09:00-12:00"):
        assert ocr_line(image, where[line]) == line
    assert "A023" not in where  # the calls are not shown
    assert any("欢迎光临" in text for text, _ in painter.drawn["marquee"])  # the notices are
    assert "理赔申请所需材料" in dict(painter.drawn["pages"])
    assert "感谢您的光临，欢迎在营业时间再来" in dict(painter.drawn["footer"])


def test_inside_the_hours_the_same_render_is_the_board(config: Config, tmp_path: Path) -> None:
    snapshot = parse_board(dumps(payloads.board(seq=9)))
    noon = EVENING.replace(hour=10, minute=15)
    painter = render_board(config, snapshot, tmp_path / "open.png", (1920, 1080), noon)
    assert "A023" in dict(painter.drawn["hero"])


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1080, 1920), (1920, 360)])
def test_every_line_is_whole_and_on_the_screen_at_every_shape(
    config: Config, tmp_path: Path, size: tuple[int, int]
) -> None:
    painter = render_board(config, None, tmp_path / "c.png", size, EVENING, notice=NOTICE)
    screen = pygame.Rect((0, 0), size)
    for region in ("hero", "recent", "footer"):
        for text, rect in painter.drawn[region]:
            assert screen.contains(rect), (region, text, rect)
            assert not text.endswith("…"), (region, text)
    hero = dict(painter.drawn["hero"])
    assert hero["暂停营业"].bottom <= hero["We are closed now"].top
