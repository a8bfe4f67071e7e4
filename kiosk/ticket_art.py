"""What a printed ticket says, and the ticket drawn as the printer's dots.

The ticket is drawn with the board's own fonts (pygame, black on white) at the paper's
width in dots, because a raster image prints Chinese the same on every cheap printer, with
or without a Chinese font of its own. Nothing on it is cut off: names wrap, and what still
does not fit is fitted by ``TextCache.fit``. It is drawn on the thread that owns pygame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pygame
import segno

from config.settings import Config
from display.text import TextCache
from lobby.contract import TicketIssued

PAPER_DOTS = {"80mm": 576, "58mm": 384}
"""Printable dots across the roll at 203 dpi (8 dots a millimetre)."""
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

TICKET_WORDS: dict[str, dict[str, str]] = {
    "ahead": {"zh": "前面还有 {n} 位客户等候", "en": "{n} customers ahead of you"},
    "ahead_one": {"zh": "前面还有 1 位客户等候", "en": "1 customer ahead of you"},
    "ahead_none": {"zh": "您是下一位", "en": "You are next"},
    "wait_minutes": {"zh": "预计等候约 {m} 分钟", "en": "Estimated wait: about {m} minutes"},
    "wait_minute": {"zh": "预计等候约 1 分钟", "en": "Estimated wait: about 1 minute"},
    "wait_hours": {
        "zh": "预计等候约 {h} 小时 {m} 分钟",
        "en": "Estimated wait: about {h} h {m} min",
    },
    "wait_whole_hours": {"zh": "预计等候约 {h} 小时", "en": "Estimated wait: about {h} h"},
    "polite": {
        "zh": "请留意叫号屏，感谢您的耐心等候",
        "en": "Please watch the screen for your number. Thank you for waiting.",
    },
}
TICKET_LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in TICKET_WORDS["polite"] if all(lang in t for t in TICKET_WORDS.values())
)
"""Languages the ticket has wording in; a ticket prints in those of the lobby's it has."""


@dataclass(frozen=True)
class PrintedTicket:
    """Everything a ticket says; made only from the engine's TicketIssued (``ticket_for``)."""

    languages: tuple[str, ...]
    """Languages printed, in order: the customer's first."""
    site_name: Mapping[str, str]
    """The branch and lobby per language."""
    ticket: str
    """The number the engine issued, e.g. A024."""
    service_name: Mapping[str, str]
    """The service per language."""
    waiting_before: int
    """People ahead in the queue when it was issued."""
    est_wait_s: int | None
    """The engine's expected wait; None: unknown, and the line is left out."""
    issued_at: datetime
    """When it was issued (local time), printed as date and time."""
    polite: Mapping[str, str] = field(default_factory=dict)
    """The polite line per language."""
    qr: str | None = None
    """Text of a QR code at the foot; None: no code."""
    paper: str = "80mm"
    """The roll: "80mm" or "58mm"."""

    @property
    def dots(self) -> int:
        return PAPER_DOTS[self.paper]


def ticket_languages(config: Config, lang: str | None) -> tuple[str, ...]:
    """The kiosk's languages with wording, the customer's choice first."""
    offered = config.kiosk.languages or config.languages
    ordered = ([lang] if lang else []) + [x for x in offered if x != lang]
    return tuple(x for x in ordered if x in TICKET_LANGUAGES) or ("zh",)


def ticket_for(
    config: Config, issued: TicketIssued, at: datetime, lang: str | None = None
) -> PrintedTicket:
    """The ticket to print for what the engine issued (and nothing else is ever printed).

    ``lang``: the language the customer chose, for an engine that does not send it back.
    """
    languages = ticket_languages(config, issued.lang or lang)
    service = config.service(issued.service)
    service_name = {
        lang: (service.name.get(lang) if service else "") or issued.service for lang in languages
    }
    qr = (
        config.kiosk.qr.format(site=config.site, ticket=issued.ticket, service=issued.service)
        if config.kiosk.qr
        else None
    )
    return PrintedTicket(
        languages=languages,
        site_name={lang: config.site_name.get(lang) for lang in languages},
        ticket=issued.ticket,
        service_name=service_name,
        waiting_before=issued.waiting_before,
        est_wait_s=issued.est_wait_s,
        issued_at=at,
        polite={lang: TICKET_WORDS["polite"][lang] for lang in languages},
        qr=qr,
        paper=config.kiosk.paper,
    )


def ahead_text(waiting_before: int, lang: str) -> str:
    if waiting_before <= 0:
        return TICKET_WORDS["ahead_none"][lang]
    if waiting_before == 1:
        return TICKET_WORDS["ahead_one"][lang]
    return TICKET_WORDS["ahead"][lang].format(n=waiting_before)


def wait_text(est_wait_s: int | None, lang: str) -> str | None:
    """ "约 12 分钟" / "about 12 minutes"; None when the wait is unknown."""
    if est_wait_s is None:
        return None
    minutes = max(1, round(est_wait_s / 60))
    if minutes == 1:
        return TICKET_WORDS["wait_minute"][lang]
    if minutes < 60:
        return TICKET_WORDS["wait_minutes"][lang].format(m=minutes)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return TICKET_WORDS["wait_whole_hours"][lang].format(h=hours)
    return TICKET_WORDS["wait_hours"][lang].format(h=hours, m=rest)


@dataclass(frozen=True)
class TicketLine:
    """One line of the ticket and what it is (its role sets its size and weight)."""

    text: str
    role: str
    """site, site_other, number, service, service_other, body, time, polite, rule."""


def ticket_lines(ticket: PrintedTicket) -> list[TicketLine]:
    """The ticket's text, top to bottom, as both the raster and the printer's font print it."""
    first, *others = ticket.languages
    lines = [TicketLine(ticket.site_name.get(first, ""), "site")]
    lines += [TicketLine(ticket.site_name.get(lang, ""), "site_other") for lang in others]
    lines += [TicketLine("", "rule"), TicketLine(ticket.ticket, "number")]
    lines.append(TicketLine(ticket.service_name.get(first, ""), "service"))
    lines += [TicketLine(ticket.service_name.get(lang, ""), "service_other") for lang in others]
    lines.append(TicketLine("", "rule"))
    lines += [TicketLine(ahead_text(ticket.waiting_before, x), "body") for x in ticket.languages]
    for lang in ticket.languages:
        wait = wait_text(ticket.est_wait_s, lang)
        if wait is not None:
            lines.append(TicketLine(wait, "body"))
    lines.append(TicketLine(f"{ticket.issued_at:%Y-%m-%d %H:%M}", "time"))
    lines += [TicketLine(ticket.polite.get(lang, ""), "polite") for lang in ticket.languages]
    return [line for line in lines if line.text or line.role == "rule"]


# Sizes at 576 dots (80 mm), scaled for 58 mm: (largest size, bold, space above).
STYLES: dict[str, tuple[int, bool, int]] = {
    "site": (40, True, 0),
    "site_other": (28, False, 6),
    "number": (230, True, 18),
    "service": (46, True, 22),
    "service_other": (32, False, 8),
    "body": (30, False, 12),
    "time": (28, False, 16),
    "polite": (26, False, 16),
}
MARGIN = 24
NUMBER_HEIGHT = 190
"""The number's ink at most this tall on 80 mm paper (about 24 mm), less on 58 mm."""


def _scaled(value: int, dots: int) -> int:
    return max(1, round(value * dots / PAPER_DOTS["80mm"]))


def _pieces(ticket: PrintedTicket, text: TextCache) -> list[tuple[pygame.Surface, int]]:
    """Each thing drawn, with the space above it."""
    dots = ticket.dots
    box = dots - 2 * _scaled(MARGIN, dots)
    out: list[tuple[pygame.Surface, int]] = []
    for line in ticket_lines(ticket):
        if line.role == "rule":
            rule = pygame.Surface((box, max(2, _scaled(3, dots))))
            rule.fill(BLACK)
            out.append((rule, _scaled(18, dots)))
            continue
        most, bold, above = STYLES[line.role]
        size, above = _scaled(most, dots), _scaled(above, dots)
        if line.role == "number":
            fitted, size = text.fit(
                line.text, size, box, bold, box_height=_scaled(NUMBER_HEIGHT, dots)
            )
            out.append((text.render(fitted, size, BLACK, bold), above))
            continue
        for i, part in enumerate(text.wrap(line.text, size, box, bold)):
            fitted, part_size = text.fit(part, size, box, bold, min_size=_scaled(16, dots))
            gap = above if i == 0 else _scaled(4, dots)
            out.append((text.render(fitted, part_size, BLACK, bold), gap))
    if ticket.qr:
        out.append((qr_surface(ticket.qr, _scaled(220, dots)), _scaled(20, dots)))
    return out


def draw_ticket(ticket: PrintedTicket, text: TextCache) -> pygame.Surface:
    """The ticket as the printer will print it: black on white, centred, the paper's width."""
    dots = ticket.dots
    pieces = _pieces(ticket, text)
    margin = _scaled(MARGIN, dots)
    height = margin + sum(s.get_height() + above for s, above in pieces) + margin
    page = pygame.Surface((dots, height))
    page.fill(WHITE)
    y = margin
    for surface, above in pieces:
        y += above
        page.blit(surface, ((dots - surface.get_width()) // 2, y))
        y += surface.get_height()
    return page


def qr_surface(content: str, most: int) -> pygame.Surface:
    """A QR code (segno) drawn module by module, with its quiet zone, at most ``most`` wide."""
    code = segno.make(content, error="m")
    border = 4
    modules = code.symbol_size(scale=1, border=border)[0]
    scale = max(2, most // modules)
    surface = pygame.Surface((modules * scale, modules * scale))
    surface.fill(WHITE)
    for y, row in enumerate(code.matrix):
        for x, dark in enumerate(row):
            if dark:
                surface.fill(BLACK, ((x + border) * scale, (y + border) * scale, scale, scale))
    return surface
