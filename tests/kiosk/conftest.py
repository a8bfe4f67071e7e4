"""The kiosk's printer against python-escpos's Dummy and a fake network printer, and a
way to read a ticket's number off what the printer was sent."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pygame
import pytest

from config import EXAMPLE, Config, load_config
from display.fonts import FontChoice, find_fonts
from display.text import TextCache
from kiosk.preview import draw_paper, read_paper
from kiosk.ticket_art import PrintedTicket, ticket_for
from lobby.contract import TicketIssued
from tests.conftest import TICKET_ALPHABET
from tests.kiosk.fake_printer import FakeNetworkPrinter

ISSUED_AT = datetime(2026, 11, 25, 10, 15).astimezone()


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()


@pytest.fixture(scope="session")
def fonts() -> FontChoice:
    return find_fonts()


@pytest.fixture(scope="session")
def text(fonts: FontChoice) -> TextCache:
    return TextCache(fonts)


def kiosk_config(**kiosk: object) -> Config:
    """The shipped example with its [kiosk] table changed."""
    config = load_config(EXAMPLE)
    return dataclasses.replace(config, kiosk=dataclasses.replace(config.kiosk, **kiosk))


def issued(
    ticket: str = "A024",
    service: str = "general",
    waiting_before: int = 6,
    est_wait_s: int | None = 720,
    lang: str | None = None,
) -> TicketIssued:
    return TicketIssued("t-1", "k-1", ticket, service, waiting_before, ISSUED_AT, lang, est_wait_s)


def a_ticket(config: Config, number: str = "A024", **more: object) -> PrintedTicket:
    return ticket_for(config, issued(number, **more), ISSUED_AT)  # type: ignore[arg-type]


def paper_image(data: bytes, text: TextCache | None = None, dots: int = 576) -> pygame.Surface:
    return draw_paper(read_paper(data), dots, text)


def ink_bands(image: pygame.Surface) -> list[pygame.Rect]:
    """Rows with ink, grouped: each band is a line of the ticket (or the QR code)."""
    bands: list[pygame.Rect] = []
    width, height = image.get_size()
    start = None
    for y in range(height + 1):
        inked = y < height and any(image.get_at((x, y))[0] < 128 for x in range(0, width, 2))
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append(pygame.Rect(0, start, width, y - start))
            start = None
    return bands


def read_number(image: pygame.Surface) -> str:
    """The ticket's number, read by tesseract off the tallest line of ink (a ticket without
    a QR code: that would be taller).

    Not through ``ocr_line``: glyphs this large and bold read best made small (40 px) with a
    wide white margin; at 80 px tesseract takes a large 0 for an O about as often as not.
    """
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed (apt install tesseract-ocr)")
    box = max(ink_bands(image), key=lambda band: band.height)
    margin = box.height // 2
    page = pygame.Surface((box.width + 2 * margin, box.height + 2 * margin))
    page.fill((255, 255, 255))
    page.blit(image, (margin, margin), box)
    scale = 40 / box.height
    page = pygame.transform.smoothscale(
        page, (round(page.get_width() * scale), round(page.get_height() * scale))
    )
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"ticket-{uuid.uuid4().hex}.png"
    pygame.image.save(page, str(path))
    try:
        only = f"tessedit_char_whitelist={TICKET_ALPHABET}"
        result = subprocess.run(
            ["tesseract", str(path), "stdout", "--psm", "7", "-c", only],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        path.unlink(missing_ok=True)
    return result.stdout.strip()
