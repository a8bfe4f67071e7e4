"""``callboard run``: the services of one lobby process, started in one place.

The queue engine (when ``[queue] embedded = true``) starts first, on a thread of its own,
then the screen on the main thread; they stop in reverse. They meet only on the broker. The
screen watches the engine's thread: an engine that dies (a bug) stops the watchdog's pats,
so systemd restarts the whole process; an engine that refuses to run because another one
serves the site is reported in the screen's status, and the screen goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from callboard import __version__
from callboard.inputs import queue_db_problem
from config import load_config
from config.lifecycle import Supervisor
from config.settings import Config
from engine.service import EXIT_OTHER_ENGINE, QueueEngine
from engine.store import default_db
from lobby.errors import ConfigError
from screen.parts import Part
from screen.service import Daemon

_LOG = logging.getLogger(__name__)


def usable_config(path: Path) -> Config:
    """The config ``run`` can honour: all that ``check-config`` checks (the same loader),
    and what only this process can check, as its own user in its own working directory:
    that the embedded engine's database opens. ``ConfigError`` lists what is wrong."""
    config = load_config(path)
    if config.queue.embedded:
        problem = queue_db_problem(default_db(config))
        if problem is not None:
            raise ConfigError(str(path), [f"queue.db: {problem}"])
    return config


class EngineWatch(Part):
    """The embedded engine as the screen sees it: running, refused, or dead."""

    def __init__(self, engine: QueueEngine) -> None:
        self.engine = engine
        self.code: int | None = None
        self.crashed = False
        self.thread = threading.Thread(target=self._serve, name="callboard-queue", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _serve(self) -> None:
        try:
            self.code = self.engine.run()
        except Exception:  # logged with its traceback; the watchdog does the rest
            self.crashed = True
            _LOG.exception("the embedded queue engine crashed")
            return
        if self.code == EXIT_OTHER_ENGINE:
            _LOG.error("the embedded queue engine is not serving; the board goes on")
        elif self.code != 0:
            _LOG.error("the embedded queue engine stopped (exit code %d)", self.code)

    def trouble(self) -> str:
        if self.crashed or (not self.thread.is_alive() and self.code not in (0, 3, None)):
            return "the embedded queue engine has died"
        return ""

    def status(self) -> Mapping[str, Any]:
        if self.code == EXIT_OTHER_ENGINE:
            return {"engine": "refused: another queue engine serves this site"}
        if self.crashed:
            return {"engine": "crashed"}
        return {"engine": "embedded"}

    def stop(self) -> None:
        self.engine.stop()
        self.engine.finished.wait(5)


class Lobby:
    """The services of one lobby process: the screen, and the engine when embedded."""

    def __init__(
        self, config: Config, supervisor: Supervisor | None = None, **daemon_options: Any
    ) -> None:
        self.engine = QueueEngine(config, version=__version__) if config.queue.embedded else None
        self._watch = EngineWatch(self.engine) if self.engine is not None else None
        self.daemon = Daemon(
            config,
            version=__version__,
            supervisor=supervisor,
            more_parts=[self._watch] if self._watch is not None else [],
            **daemon_options,
        )

    def run(self) -> int:
        """Start the engine, then the screen; stop them in reverse. The screen's exit code."""
        if self._watch is not None:
            self._watch.start()
        try:
            return self.daemon.run()
        finally:
            if self._watch is not None:
                self._watch.stop()
