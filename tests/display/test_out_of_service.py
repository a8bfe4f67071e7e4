"""The out-of-service page, painted off-screen: calm wording in every language the fonts
can draw, and the technician's lines, on every screen shape."""

from __future__ import annotations

import pygame
import pytest

from display.fonts import find_fonts, last_resort
from display.out_of_service import OutOfServicePage, Trouble, technician_lines
from display.text import TextCache

PROBLEM = (
    "languages[0]: found a string 'fr', expected a language the board has wording for (zh, en)"
)


def painted(size: tuple[int, int], problems: int, fonts: str = "cjk") -> OutOfServicePage:
    if fonts == "cjk":
        page = OutOfServicePage(TextCache(find_fonts()), size)
    else:
        page = OutOfServicePage(TextCache(last_resort()), size, ("en",))
    trouble = Trouble("/etc/callboard/callboard.toml", (PROBLEM,) * problems)
    page.paint(pygame.Surface(size), trouble)
    return page


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1080, 1920), (640, 480)])
def test_the_page_says_it_calmly_in_both_languages_on_every_screen(size) -> None:
    page = painted(size, 3)
    where = dict(page.drawn)
    screen = pygame.Rect((0, 0), size)
    assert all(screen.contains(rect) for _, rect in page.drawn)
    assert where["暂停服务"].bottom <= where["Temporarily out of service"].top
    assert where["Temporarily out of service"].height > where["叫号屏正在调整，请稍候"].height
    for line in (
        "This screen is being prepared. Thank you for your patience.",
        "如需帮助，请咨询引导岗工作人员",
        "Our staff at the welcome desk will gladly help you.",
        "For the technician: /etc/callboard/callboard.toml has 3 problem(s) to fix",
    ):
        assert line in where, sorted(where)
    technician = [rect for text, rect in page.drawn if text.startswith("languages[0]")]
    assert len(technician) == 3 and all(r.top > size[1] * 0.7 for r in technician)


def test_more_problems_than_fit_end_in_where_to_read_them_all() -> None:
    page = painted((1280, 720), 40)
    lines = [text for text, _ in page.drawn]
    assert lines[-1].startswith("… and ") and "callboard check-config" in lines[-1]
    shown = sum(text.startswith("languages[0]") for text in lines)
    assert shown + int(lines[-1].split()[2]) == 40
    assert all(rect.bottom <= 720 for _, rect in page.drawn)


def test_with_pygames_own_font_the_page_is_english_and_still_whole() -> None:
    page = painted((1280, 720), 1, fonts="latin")
    lines = [text for text, _ in page.drawn]
    assert lines[0] == "Temporarily out of service"
    assert not any("\u4e00" <= char <= "\u9fff" for line in lines for char in line)
    assert "Our staff at the welcome desk will gladly help you." in lines


def test_technician_lines_keep_the_heading_and_count_what_is_left_out() -> None:
    trouble = Trouble("c.toml", ("a", "b", "c", "d"))
    assert technician_lines(trouble, 5) == [
        "For the technician: c.toml has 4 problem(s) to fix",
        "a",
        "b",
        "c",
        "d",
    ]
    assert technician_lines(trouble, 4)[1:] == [
        "a",
        "b",
        "… and 2 more (callboard check-config c.toml lists them all)",
    ]
