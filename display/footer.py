"""The footer: people waiting per service, and a polite badge while the broker is away.

The chips are laid out for the names the config gives: as many to a line as leaves the
names their largest size. Each chip keeps room on its right for the widest count shown:
28 % of it, which two digits fit at full size, growing to 40 % for longer counts (99999
is the contract's most), past which the count, never cut, gets smaller.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import pygame

from config.settings import Config
from config.theme import Theme
from display.canvas import MARGIN, Canvas, cols, rows, split_h
from display.regions import Frame, Region
from display.words import words

UNKNOWN = "–"
"""The count shown before the first snapshot: unknown, not 0."""
COUNT_SHARE = (0.28, 0.4)
"""The least and the most of a chip's width its count takes."""


@dataclass(frozen=True)
class ChipPlan:
    """How the chips sit: cells per line, and the sizes of names and counts."""

    per_row: int
    name_size: int
    count_size: int
    count_width: int


class Footer(Region):
    """People waiting per service, and a polite badge while the broker is away."""

    name = "footer"

    def __init__(self, config: Config, theme: Theme, unit: int) -> None:
        super().__init__(config, theme, unit)
        self._services = config.shown_services()  # a part of the hall: its services only
        self._plans: dict[tuple[tuple[int, ...], int], ChipPlan] = {}

    def key(self, frame: Frame) -> Hashable:
        return (tuple(sorted(frame.state.waiting.items())), frame.state.seq is None, frame.link_up)

    def paint(self, canvas: Canvas, rect: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        canvas.fill(rect, c.footer_bg)
        unit = self.unit
        inner = rect.inflate(-2 * unit, -unit)
        label_box, chips_box = split_h(inner, 0.14 if rect.width > rect.height else 0.18)
        labels = words("waiting", self.langs)
        boxes = rows(label_box, len(labels))
        size = canvas.common_size(labels, boxes[0], int(boxes[0].height * 0.6), True, 1)
        for line, box in zip(labels, boxes, strict=True):
            canvas.put(line, box, size, c.footer_fg, True, exact=True)
        badge_w = 0 if frame.link_up else chips_box.width // 5
        area = pygame.Rect(chips_box.x, chips_box.y, chips_box.width - badge_w, chips_box.height)
        self._chips(canvas, area, frame)
        if not frame.link_up:
            badge = pygame.Rect(area.right, area.y, badge_w, area.height).inflate(
                -unit // 2, -unit // 2
            )
            canvas.fill(badge, c.badge_bg, radius=unit // 2)
            lines = words("reconnecting", self.langs)
            boxes = rows(badge.inflate(-unit, 0), len(lines))
            size = canvas.common_size(lines, boxes[0], int(boxes[0].height * 0.55))
            for line, box in zip(lines, boxes, strict=True):
                canvas.put(line, box, size, c.badge_fg, exact=True)

    def _names(self) -> list[list[str]]:
        return [
            [n for n in (s.name.get(lang) for lang in self.langs) if n] or [s.id]
            for s in self._services
        ]

    def _chips(self, canvas: Canvas, area: pygame.Rect, frame: Frame) -> None:
        c = canvas.colours
        services = self._services
        if not services:
            return
        known = frame.state.seq is not None
        counts = [str(frame.state.waiting.get(s.id, 0)) if known else UNKNOWN for s in services]
        names = self._names()
        digits = max(len(count) for count in counts)
        plan = self._plans.get((tuple(area), digits))
        if plan is None:
            plan = self._plans[(tuple(area), digits)] = self._plan(canvas, area, names, digits)
        for group, count, cell in zip(names, counts, self._cells(area, plan.per_row), strict=False):
            chip = self._chip(cell)
            canvas.fill(chip, c.chip_bg, radius=self.unit // 2)
            names_box, count_box = self._parts(chip, plan.count_width)
            for line, box in zip(group, rows(names_box, len(group)), strict=True):
                canvas.put(line, box, plan.name_size, c.footer_fg, exact=True)
            canvas.put(count, count_box, plan.count_size, c.count_fg, True, "right", True, True)

    def _cells(self, area: pygame.Rect, per_row: int) -> list[pygame.Rect]:
        lines = math.ceil(len(self._services) / per_row)
        return [cell for row in rows(area, lines) for cell in cols(row, per_row)]

    def _chip(self, cell: pygame.Rect) -> pygame.Rect:
        return cell.inflate(-max(2, self.unit // 2), -max(2, self.unit // 3))

    def _parts(self, chip: pygame.Rect, count_width: int) -> tuple[pygame.Rect, pygame.Rect]:
        """A chip's names box and its count box, a small gap between."""
        content = chip.inflate(-self.unit, 0)
        gap = max(2, self.unit // 3)
        names_w = max(0, content.width - count_width - gap)
        names = pygame.Rect(content.x, content.y, names_w, content.height)
        count = pygame.Rect(content.right - count_width, content.y, count_width, content.height)
        return names, count

    def _plan(
        self, canvas: Canvas, area: pygame.Rect, names: list[list[str]], digits: int
    ) -> ChipPlan:
        """The chips per line that leave the names (then the counts) the largest size."""
        widest = "8" * digits
        flat = [n for group in names for n in group]
        depth = max(len(group) for group in names)
        best: tuple[tuple[float, int], ChipPlan] | None = None
        for per_row in range(1, len(names) + 1):
            chip = self._chip(self._cells(area, per_row)[0])
            content = chip.inflate(-self.unit, 0)
            if content.width <= 4 or content.height <= 4:
                continue
            least, most_w = (int(content.width * share) for share in COUNT_SHARE)
            count_box = pygame.Rect(0, 0, most_w, content.height)
            count_size = canvas.common_size([widest], count_box, int(content.height * 0.8), True, 1)
            need = canvas.text.width(widest, count_size, True) + 2 * MARGIN
            count_width = min(most_w, max(least, need))
            names_box, _ = self._parts(chip, count_width)
            line_box = rows(names_box, depth)[0]
            most = int(line_box.height * 0.6)
            whole = canvas.common_size(flat, line_box, most, min_size=1)
            name_size = max(whole, min(most, 12))  # below 12 px a name is cut, not shrunk
            name_size = canvas.common_size(flat, line_box, name_size, min_size=name_size)
            plan = ChipPlan(per_row, name_size, count_size, count_width)
            score = (whole + 0.5 * count_size, per_row)
            if best is None or score > best[0]:
                best = (score, plan)
        return best[1] if best is not None else ChipPlan(len(names), 1, 1, 1)
