"""The kiosk's screens drawn off-screen: for the documentation, previews and support."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path

from config.settings import Config
from kiosk.flow import Declined, Showing, Sorry, State, Welcome
from kiosk.view import KioskFrame, KioskView
from lobby.contract import TicketIssued, TicketRefused, TicketRequest


def sample_states(config: Config, wall: datetime) -> dict[str, State]:
    """The screens a customer meets: the buttons, a ticket, the polite refusal, and the
    engine's answer outside the opening hours (the lobby opens tomorrow morning, or at the
    config's next opening)."""
    service = config.kiosk.offered(config.services)[0]
    issued = TicketIssued("t-1", "k-1", f"{service.prefix}023", service.id, 6, wall, None, 12 * 60)
    tomorrow = datetime.combine(wall.date() + timedelta(days=1), time(8, 30), wall.tzinfo)
    opens = config.hours.next_opening(wall) or tomorrow
    return {
        "welcome": Welcome(),
        "ticket": Showing(issued, 0.0),
        "sorry": Sorry(TicketRequest("k-1", service.id, wall), 0.0),
        "closed": Declined(TicketRefused("tr-1", "k-1", service.id, "closed", wall, opens), 0.0),
    }


def render_kiosk(config: Config, folder: Path, size: tuple[int, int], wall: datetime) -> list[Path]:
    """Each sample screen as ``kiosk-<name>-<w>x<h>.png`` in ``folder``."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame  # after the driver is chosen

    from display.fonts import find_fonts
    from display.text import TextCache

    pygame.display.init()
    text = TextCache(find_fonts(config.display.font, config.display.theme.fonts))
    view = KioskView(config, text, size)
    waiting = {s.id: n for s, n in zip(config.services, (7, 2, 0, 1, 3), strict=False)}
    closed = {config.services[-1].id: "暂停办理 / Not available now"}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, state in sample_states(config, wall).items():
        surface = pygame.Surface(size)
        view.paint(surface, KioskFrame(state, config.languages[0], wall, waiting, closed))
        path = folder / f"kiosk-{name}-{size[0]}x{size[1]}.png"
        pygame.image.save(surface, str(path))
        written.append(path)
    return written
