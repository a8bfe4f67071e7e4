"""Opening the screen: a window on a desktop, full-screen on a Pi console, or headless.

SDL chooses the video driver: x11 or wayland on a desktop, kmsdrm on a Raspberry Pi OS
console without a desktop, or ``dummy``/``offscreen`` when SDL_VIDEODRIVER says so (tests,
previews). Only the main thread may call anything here.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pygame

from config.settings import DisplaySettings
from lobby.errors import DisplayError

_LOG = logging.getLogger(__name__)

WINDOW_SIZE = (1280, 720)
HEADLESS_DRIVERS = ("dummy", "offscreen")


def has_desktop() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def headless() -> bool:
    return os.environ.get("SDL_VIDEODRIVER", "") in HEADLESS_DRIVERS


@dataclass
class Screen:
    """The open display surface and how to present and save it."""

    surface: pygame.Surface
    driver: str
    fullscreen: bool

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    @property
    def needs_events(self) -> bool:
        """A real window or console delivers input events that must be pumped."""
        return self.driver not in HEADLESS_DRIVERS

    def present(self, rects: list[pygame.Rect]) -> float:
        """Show the changed regions; return the wall time (epoch s) the frame went out."""
        if rects:
            pygame.display.update(rects)
        return time.time()

    def save(self, path: Path, what: str = "frame") -> bool:
        """Write the current frame as a PNG, atomically (support may be reading the old one);
        a folder nobody may write is one line in the log, not a stopped screen."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.partial.png")
            pygame.image.save(self.surface, str(partial))
            partial.replace(path)
        except (OSError, pygame.error) as exc:
            _LOG.warning("could not save the %s to %s: %s", what, path, exc)
            return False
        _LOG.info("saved the current %s to %s", what, path.resolve())
        return True


def open_screen(settings: DisplaySettings, caption: str = "callboard") -> Screen:
    """Open the screen the config asks for; ``DisplayError`` says what to fix if none opens."""
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise DisplayError(_advice(str(exc))) from None
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and not headless():
        pygame.display.quit()  # SDL fell back to drawing nowhere: that is no lobby screen
        raise DisplayError(_advice("SDL found no screen and fell back to drawing off-screen"))
    fullscreen = settings.fullscreen
    if fullscreen is None:
        fullscreen = driver not in HEADLESS_DRIVERS and not has_desktop()
    size = (settings.width, settings.height)
    if size == (0, 0) and not fullscreen:
        size = WINDOW_SIZE
    flags = pygame.FULLSCREEN if fullscreen else 0
    try:
        surface = pygame.display.set_mode(size, flags)
    except pygame.error as exc:
        raise DisplayError(_advice(str(exc))) from None
    pygame.display.set_caption(caption)
    if fullscreen:
        pygame.mouse.set_visible(False)
    _LOG.info(
        "screen open: %dx%d via %s%s",
        *surface.get_size(),
        driver,
        " full-screen" if fullscreen else "",
    )
    return Screen(surface, driver, fullscreen)


def _advice(sdl_message: str) -> str:
    if has_desktop():
        return (
            f"the screen could not be opened ({sdl_message}); "
            "check that the desktop session is reachable"
        )
    return (
        f"the screen could not be opened ({sdl_message}). On a Raspberry Pi console the "
        "user needs the video and render groups and nothing else may hold the display "
        "(stop any desktop); on a machine without a screen set SDL_VIDEODRIVER=dummy"
    )
