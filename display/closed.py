"""The board outside the opening hours: a calm closed page instead of the calls.

It keeps what a lobby still reads when it is closed: the branch's name and the clock (the
header), the notices (the marquee and the information pages stay where they were), and it
says, in each board language, that the lobby is closed, when it opens, and the week's
hours. Nothing flashes. A call that comes while closed (a teller trying the buttons before
opening) is shown small on the card for ``SHOWN_S``, and never said.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from datetime import datetime, time, timedelta

import pygame

from config.settings import Config
from display.canvas import Canvas, cols, rows, split
from display.regions import Frame, Region
from display.words import words
from lobby.day import DayView, day_view
from lobby.wording import opens_text, week_text

SHOWN_S = 60.0
"""How long a call made while closed stays on the closed page."""
LEGIBLE = 12
"""Pixels of type below which a second line would not read: the languages go side by side."""


def lobby_day(
    config: Config, wall: datetime, waiting: int, last_call: datetime | None = None
) -> DayView:
    """The lobby's phase at ``wall`` by this config's hours, closing time and day reset."""
    hours = config.hours
    closing = timedelta(minutes=hours.closing_min)
    return day_view(
        hours, wall, waiting, last_call, closing, time.fromisoformat(config.queue.reset_at)
    )


def closed_call(frame: Frame) -> tuple[str, str] | None:
    """The call to show on the closed card: (ticket, counter), while it is recent."""
    newest, arrived = frame.state.newest, frame.state.arrived
    if newest is None or arrived is None or not 0 <= frame.now - arrived < SHOWN_S:
        return None
    return newest.ticket, newest.counter


class ClosedCard(Region):
    """Where the newest call is when open: "暂停营业 / We are closed now", when it opens."""

    name = "hero"

    def key(self, frame: Frame) -> Hashable:
        opens = frame.day.opens
        return (frame.wall.date(), opens, closed_call(frame))

    def next_change(self, frame: Frame) -> float:
        arrived = frame.state.arrived
        if closed_call(frame) is None or arrived is None:
            return math.inf
        return arrived + SHOWN_S

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.clear(rect, c.background)
        card = rect.inflate(-2 * self.unit, -2 * self.unit)
        canvas.fill(card, c.hero_bg, radius=self.unit)
        inner = card.inflate(-2 * self.unit, -self.unit)
        call = closed_call(frame)
        if call is not None:
            inner, strip = split(inner, 0.78)
            self._call(canvas, strip, *call)
        titles = words("closed", self.langs)
        opens = frame.day.opens
        when = [opens_text(opens, frame.wall, lang) for lang in self.langs] if opens else []
        title_box, rest = split(inner, 0.5 if when else 0.75)
        for i, (line, box) in enumerate(zip(titles, rows(title_box, len(titles)), strict=True)):
            share = 0.75 if i == 0 else 0.5
            colour = c.ticket_fg if i == 0 else c.hero_text_fg
            canvas.put(line, box, int(box.height * share), colour, True, "center")
        lines = when or words("see_you", self.langs)
        boxes = rows(rest, len(lines))
        size = canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.55), True)
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, c.hero_text_fg, True, "center", exact=True)

    def _call(self, canvas: Canvas, strip: pygame.Rect, ticket: str, counter: str) -> None:
        """A call made while closed: shown plainly, on one line per language."""
        c = canvas.colours
        canvas.fill(strip, c.row_alt_bg, radius=self.unit // 2)
        lines = [
            f"{words('now_calling', (lang,))[0]} {ticket} · "
            f"{words('go_to', (lang,), counter=self.counter_label(counter, lang))[0]}"
            for lang in self.langs
        ]
        boxes = rows(strip.inflate(-self.unit, -self.unit // 2), len(lines))
        size = canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.7))
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, c.row_text_fg, align="center", exact=True)


class WeekHours(Region):
    """Where the recent calls are when open: the week's opening hours, per language."""

    name = "recent"

    def key(self, frame: Frame) -> Hashable:
        return self.config.hours

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.clear(rect, c.panel_bg)
        inner = rect.inflate(-2 * self.unit, -2 * self.unit)
        runs = self.config.hours.runs()
        langs = self.langs[:2]
        boxes = rows(inner, len(runs) + 1)
        canvas.put(
            "  ".join(words("hours_title", self.langs)),
            boxes[0],
            int(boxes[0].height * 0.5),
            c.panel_title_fg,
            True,
        )
        groups = [[week_text(*run, lang) for lang in langs] for run in runs]
        stacked = len(langs) > 1 and boxes[1].height / len(langs) * 0.65 >= LEGIBLE
        cells = [
            [cell.inflate(-self.unit, 0) for cell in (rows if stacked else cols)(box, len(langs))]
            for box in boxes[1:]
        ]
        firsts = [group[0] for group in groups]
        first_size = canvas.common_size(firsts, cells[0][0], int(cells[0][0].height * 0.8), True)
        seconds = [line for group in groups for line in group[1:]]
        share = 0.65 if stacked else 0.8
        second_size = (
            canvas.common_size(seconds, cells[0][-1], int(cells[0][-1].height * share))
            if seconds
            else 0
        )
        for i, (group, row_cells) in enumerate(zip(groups, cells, strict=True)):
            if i % 2 == 0:
                canvas.fill(boxes[i + 1], c.row_alt_bg, radius=self.unit // 2)
            for j, (line, cell) in enumerate(zip(group, row_cells, strict=True)):
                size = first_size if j == 0 else second_size
                colour = c.row_ticket_fg if j == 0 else c.row_text_fg
                canvas.put(line, cell, size, colour, j == 0, exact=True)


class ThankYou(Region):
    """Where the waiting counts are when open: a thank-you in each language."""

    name = "footer"

    def key(self, frame: Frame) -> Hashable:
        return None  # the same all night (a reconnecting badge would only worry the lobby)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.footer_bg)
        lines = words("see_you", self.langs)
        boxes = rows(rect.inflate(-2 * self.unit, -self.unit // 2), len(lines))
        size = canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.6))
        for line, box in zip(lines, boxes, strict=True):
            canvas.put(line, box, size, c.footer_fg, align="center", exact=True)
