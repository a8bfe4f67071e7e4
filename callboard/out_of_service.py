"""``callboard run`` with a config it cannot use: a calm page on the lobby's TV, not a restart
loop behind a dark one.

Under systemd (``Restart=always``) exiting on a bad config restarts the process every few
seconds, forever, and the TV stays black. Instead the page says "暂停服务 / Temporarily out
of service" politely, with the file and its problems in small lines for the technician; it
tells systemd it is READY (its STATUS says why) and keeps the watchdog fed, because the
process is doing all it can: a restart would only draw the same page again.

Every ``RECHECK_S`` seconds it loads the config again, with the same code as ``run`` (so a
fixed theme file, a font installed or a database made writable count too). Once it loads,
and the file has not changed since the check before (a file still being written is not
taken half-way), the config is returned and ``run`` goes on into the board *in the same
process*: the screen stays open (SDL reuses the window, so no black frame), systemd's
MainPID and watchdog carry on, and nothing is left to undo (the page holds only the
screen). A re-exec would gain nothing over that and lose the open screen.
"""

from __future__ import annotations

import logging
import queue
import signal
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pygame

from config.lifecycle import Supervisor, Unsupervised
from config.settings import Config, DisplaySettings
from display.out_of_service import OutOfServicePage, Trouble, page_fonts
from display.screen import Screen, open_screen
from lobby.errors import ConfigError

_LOG = logging.getLogger(__name__)

RECHECK_S = 2.0
"""How often the config is loaded again while the page shows."""
EVENT_PUMP_S = 0.1
"""How often a real window or console is polled for input."""

Stamp = tuple[int, int, int] | None


@dataclass(frozen=True)
class _Stop:
    reason: str


@dataclass(frozen=True)
class _SaveFrame:
    pass


def file_stamp(path: Path) -> Stamp:
    """What changes when the file is written: its time, size and inode; None when absent."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def screenshot_path(path: Path) -> Path:
    """Where ``kill -USR1`` saves the page: the config's ``[display] screenshot`` when the
    file reads that far, else ``callboard-screen.png`` in the working directory, as the
    board would (support looks in the same place either way)."""
    default = DisplaySettings().screenshot
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return default
    display = data.get("display")
    shot = display.get("screenshot") if isinstance(display, dict) else None
    return Path(shot) if isinstance(shot, str) and shot and not Path(shot).is_dir() else default


class OutOfService:
    """The out-of-service page, shown until the config at ``path`` can be used."""

    def __init__(
        self,
        path: Path,
        problems: list[str],
        load: Callable[[Path], Config],
        supervisor: Supervisor | None = None,
        screen_factory: Callable[..., Screen] = open_screen,
        recheck_s: float = RECHECK_S,
    ) -> None:
        self.path = path
        self.trouble = Trouble(str(path), tuple(problems))
        self._load = load
        self._supervisor = supervisor or Unsupervised()
        self._screen_factory = screen_factory
        self._recheck_s = recheck_s
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._settled: Stamp = None

    def run(self) -> Config | None:
        """Show the page until the config loads (returned) or a stop is asked for (None).

        ``DisplayError`` when no screen can be opened: then there is nobody to show it to.
        """
        self._install_signals()  # first: a USR1 (systemctl reload) must not kill the page
        screen = self._screen_factory(
            DisplaySettings(screenshot=screenshot_path(self.path)),
            caption="callboard · out of service",
        )
        text, languages = page_fonts()
        self._page = OutOfServicePage(text, screen.size, languages)
        self._screen = screen
        self._show()
        _LOG.info("showing the out-of-service page until %s can be used", self.path)
        self._supervisor.ready(self._status())
        next_check = time.monotonic() + self._recheck_s
        while True:
            now = time.monotonic()
            self._supervisor.kick(now, True)
            due = min(next_check, self._supervisor.next_kick())
            if screen.needs_events:
                due = min(due, now + EVENT_PUMP_S)
            for item in self._take(max(0.0, due - now)):
                if isinstance(item, _Stop):
                    _LOG.info("stopping (%s)", item.reason)
                    self._supervisor.stopping()
                    pygame.display.quit()
                    return None
                self._save()
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + self._recheck_s
                config = self._check()
                if config is not None:
                    return config

    def _check(self) -> Config | None:
        """Load the config again; the config once it loads and has settled, else None."""
        stamp = file_stamp(self.path)
        try:
            config = self._load(self.path)
        except ConfigError as exc:
            self._settled = None
            if tuple(exc.problems) != self.trouble.problems:
                self.trouble = Trouble(self.trouble.source, tuple(exc.problems))
                log_problems(exc, "still")
                self._show()
                self._supervisor.ready(self._status())
            return None
        if stamp is None or stamp != self._settled:
            self._settled = stamp  # loads now; take it if it is the same at the next check
            return None
        _LOG.info("the config %s can be used now; starting the board", self.path)
        return config

    def _status(self) -> str:
        count = len(self.trouble.problems)
        return f"out of service: {self.trouble.source} has {count} problem(s)"

    def _show(self) -> None:
        self._page.paint(self._screen.surface, self.trouble)
        self._screen.present([self._screen.surface.get_rect()])

    def _save(self) -> None:
        self._screen.save(screenshot_path(self.path), "out-of-service page")

    def _install_signals(self) -> None:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            self._inbox.put(_Stop(signal.Signals(signum).name))

        def on_usr1(_signum: int, _frame: FrameType | None) -> None:
            self._inbox.put(_SaveFrame())

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGUSR1, on_usr1)

    def _take(self, timeout: float) -> list[object]:
        items: list[object] = []
        try:
            items.append(
                self._inbox.get(timeout=timeout) if timeout > 0 else self._inbox.get_nowait()
            )
            while True:
                items.append(self._inbox.get_nowait())
        except queue.Empty:
            pass
        if self._screen.needs_events:
            for event in pygame.event.get():
                windowed = not self._screen.fullscreen
                if event.type == pygame.QUIT:
                    items.append(_Stop("window closed"))
                elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and windowed:
                    items.append(_Stop("Esc pressed"))
        return items


def log_problems(exc: ConfigError, still: str = "") -> None:
    """Every problem on a line of its own, each naming the file (the journal shows lines)."""
    _LOG.error(
        "the config %s %shas %d problem(s):",
        exc.path,
        f"{still} " if still else "",
        len(exc.problems),
    )
    for problem in exc.problems:
        _LOG.error("%s: %s", exc.path, problem)
