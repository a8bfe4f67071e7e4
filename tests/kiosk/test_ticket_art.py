"""What the ticket says in each language, and how it is drawn on each roll."""

from __future__ import annotations

import dataclasses

import pytest
import segno

from display.text import TextCache
from kiosk.ticket_art import (
    PAPER_DOTS,
    TICKET_LANGUAGES,
    ahead_text,
    draw_ticket,
    qr_surface,
    ticket_for,
    ticket_languages,
    ticket_lines,
    wait_text,
)
from lobby.wording import WORDED_LANGUAGES
from tests.kiosk.conftest import (
    ISSUED_AT,
    a_ticket,
    ink_bands,
    issued,
    kiosk_config,
    read_number,
)


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (None, None, None),
        (0, "预计等候约 1 分钟", "Estimated wait: about 1 minute"),
        (720, "预计等候约 12 分钟", "Estimated wait: about 12 minutes"),
        (3600, "预计等候约 1 小时", "Estimated wait: about 1 h"),
        (4800, "预计等候约 1 小时 20 分钟", "Estimated wait: about 1 h 20 min"),
    ],
)
def test_the_estimated_wait_in_each_language(seconds: int | None, zh: str, en: str) -> None:
    assert (wait_text(seconds, "zh"), wait_text(seconds, "en")) == (zh, en)


def test_the_people_ahead_in_each_language() -> None:
    assert ahead_text(0, "en") == "You are next"
    assert ahead_text(1, "zh") == "前面还有 1 位客户等候"
    assert ahead_text(6, "en") == "6 customers ahead of you"


def test_every_language_the_lobby_can_show_has_ticket_wording() -> None:
    assert set(WORDED_LANGUAGES) <= set(TICKET_LANGUAGES)


def test_the_customers_language_comes_first_and_an_unknown_wait_is_left_out() -> None:
    config = kiosk_config()
    assert ticket_languages(config, None) == ("zh", "en")
    assert ticket_languages(config, "en") == ("en", "zh")
    chosen = ticket_for(config, issued("A024"), ISSUED_AT, lang="en")  # an engine without lang
    assert chosen.languages == ("en", "zh")
    ticket = a_ticket(config, "C107", service="consult", lang="en", est_wait_s=None)
    lines = [(line.text, line.role) for line in ticket_lines(ticket)]
    assert lines[:3] == [
        ("Customer Service Centre", "site"),
        ("客户服务中心", "site_other"),
        ("", "rule"),
    ]
    assert ("C107", "number") in lines and ("Consultation", "service") in lines
    assert not any("Estimated" in text or "等候约" in text for text, _ in lines)
    assert ("2026-11-25 10:15", "time") in lines


def test_the_qr_code_takes_the_configured_text() -> None:
    config = kiosk_config(qr="https://example.invalid/q/{site}/{ticket}/{service}")
    assert a_ticket(config, "A024").qr == "https://example.invalid/q/hz-main/A024/general"
    assert a_ticket(kiosk_config(), "A024").qr is None


@pytest.mark.parametrize("paper", ["80mm", "58mm"])
def test_the_ticket_is_the_rolls_width_and_nothing_is_cut_off(paper: str, text: TextCache) -> None:
    config = kiosk_config(paper=paper)
    long_names = dataclasses.replace(
        a_ticket(config, "AB1234"),
        site_name={"zh": "中国人寿保险股份有限公司杭州市分公司客户服务中心", "en": "X" * 80},
        service_name={"zh": "综合业务", "en": "Policy changes, renewals, refunds and claims"},
    )
    surface = draw_ticket(long_names, text)
    dots = PAPER_DOTS[paper]
    assert surface.get_width() == dots
    columns = [
        x
        for x in range(dots)
        if any(surface.get_at((x, y))[0] < 128 for y in range(0, surface.get_height(), 3))
    ]
    assert columns and min(columns) >= 8 and max(columns) <= dots - 8
    assert read_number(surface) == "AB1234"


def test_the_number_is_the_largest_thing_on_the_ticket(text: TextCache) -> None:
    surface = draw_ticket(a_ticket(kiosk_config(), "A024"), text)
    bands = ink_bands(surface)
    tallest = max(bands, key=lambda band: band.height)
    assert tallest.height >= 150  # about 19 mm on 80 mm paper
    assert sorted(band.height for band in bands)[-2] < tallest.height / 3


def test_the_qr_code_is_segnos_matrix_module_by_module() -> None:
    content = "https://example.invalid/q/hz-main/A024"
    surface = qr_surface(content, 220)
    code = segno.make(content, error="m")
    modules = code.symbol_size(border=4)[0]
    scale = surface.get_width() // modules
    assert scale >= 2 and surface.get_width() == modules * scale <= 220
    for y, row in enumerate(code.matrix):
        for x, dark in enumerate(row):
            centre = ((x + 4) * scale + scale // 2, (y + 4) * scale + scale // 2)
            assert (surface.get_at(centre)[0] == 0) == bool(dark), (x, y)


def test_a_ticket_for_the_next_customer_says_so() -> None:
    ticket = a_ticket(kiosk_config(), "T009", service="complaint", waiting_before=0)
    texts = [line.text for line in ticket_lines(ticket)]
    assert "申诉" in texts and "Complaints" in texts
    assert "您是下一位" in texts and "You are next" in texts
    assert ticket_lines(ticket)[-1].role == "polite"
