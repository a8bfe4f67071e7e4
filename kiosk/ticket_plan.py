"""A ticket made ready for the printer on the kiosk's thread, and sent on the worker's.

Two ways to put Chinese on paper (``[kiosk] print_text``):
- "raster": the whole ticket drawn with the board's fonts and sent as an image
  (python-escpos ``image``: GS v 0 bands). Any ESC/POS printer prints it the same.
- "gb18030": the lines sent as text in GB18030 for the printer's own Chinese font, the number
  enlarged by the printer (GS !). Smaller and faster; needs a printer with a Chinese font.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pygame
from escpos.escpos import Escpos
from PIL import Image

from display.text import TextCache
from kiosk.ticket_art import (
    PrintedTicket,
    TicketLine,
    draw_ticket,
    qr_surface,
    ticket_lines,
)

BAND_ROWS = 256
"""Image rows per GS v 0 block: small blocks suit cheap printers' buffers and slow links."""
FONT_A_DOTS = 12
"""Width of one column of the printer's font A (Chinese characters take two)."""
CHINESE_MODE = b"\x1c&"
"""FS &: double-byte characters on (python-escpos has no call for it)."""
# The printer's own sizes per role: (width and height multiplier, bold).
TEXT_STYLES: dict[str, tuple[int, bool]] = {
    "site": (2, True),
    "site_other": (1, False),
    "service": (2, True),
    "service_other": (1, True),
    "body": (1, False),
    "time": (1, False),
    "polite": (1, False),
}


@dataclass(frozen=True)
class TicketPlan:
    """What the worker sends: the drawn ticket, or lines for the printer's own font."""

    dots: int
    raster: Image.Image | None = None
    lines: tuple[TicketLine, ...] = ()
    qr: Image.Image | None = None


def plan_ticket(ticket: PrintedTicket, print_text: str, text: TextCache | None) -> TicketPlan:
    """Draw what must be drawn now (pygame belongs to the calling thread)."""
    qr = None
    if print_text == "raster":
        if text is None:
            raise ValueError("a raster ticket needs fonts to draw with")
        return TicketPlan(ticket.dots, raster=surface_image(draw_ticket(ticket, text)))
    if ticket.qr:
        qr = surface_image(qr_surface(ticket.qr, ticket.dots * 220 // 576))
    return TicketPlan(ticket.dots, lines=tuple(ticket_lines(ticket)), qr=qr)


def surface_image(surface: pygame.Surface) -> Image.Image:
    """A drawn surface as black and white: ink wherever it is darker than mid-grey."""
    rgb = pygame.image.tobytes(surface, "RGB")
    grey = Image.frombytes("RGB", surface.get_size(), rgb).convert("L")
    return grey.point(lambda v: 0 if v < 128 else 255, mode="1")


def send_plan(device: Escpos, plan: TicketPlan) -> None:
    """The ticket through python-escpos, then a cut."""
    device.hw("INIT")
    if plan.raster is not None:
        device.image(plan.raster, impl="bitImageRaster", fragment_height=BAND_ROWS)
    else:
        _send_lines(device, plan)
    device.cut()


def _send_lines(device: Escpos, plan: TicketPlan) -> None:
    device._raw(CHINESE_MODE)
    columns = plan.dots // FONT_A_DOTS
    for line in plan.lines:
        if line.role == "rule":
            device.set(align="center", bold=False, custom_size=True, width=1, height=1)
            device.textln("-" * columns)
            continue
        if line.role == "number":
            scale = max(1, min(8, columns // max(1, columns_of(line.text))))
            device.set(align="center", bold=True, custom_size=True, width=scale, height=scale)
            device.textln(line.text)
            continue
        scale, bold = TEXT_STYLES[line.role]
        device.set(align="center", bold=bold, custom_size=True, width=scale, height=scale)
        for part in wrap_columns(line.text, columns // scale):
            device.textln(part)
    device.set(align="center", bold=False, custom_size=True, width=1, height=1)
    if plan.qr is not None:
        device.ln()
        device.image(plan.qr, impl="bitImageRaster", center=True)


def columns_of(text: str) -> int:
    """Columns the printer's font takes: Chinese (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def wrap_columns(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns``: between words, or between Chinese characters."""
    lines: list[str] = []
    line = ""
    for word in _words(text):
        if line and columns_of((line + word).rstrip()) > columns:
            lines.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Words with the space after them, each wide character a word of its own."""
    out: list[str] = []
    for char in text:
        last = out[-1][-1] if out else ""
        joins = char.isspace() or (
            columns_of(char) == 1 and columns_of(last) == 1 and not last.isspace()
        )
        if out and joins:
            out[-1] += char
        else:
            out.append(char)
    return out
