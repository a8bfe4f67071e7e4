"""The board as it will look with a notice: ``callboard render`` in a process of its own.

A subprocess, not an import: the console may not import the display (pygame, SDL, fonts:
tens of megabytes and a second of font loading that a web server has no business
holding for an occasional preview), and a drawing that goes wrong cannot take the
console with it. One preview is drawn at a time (the Pi has few cores, and the manager
only needs the newest one).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from lobby.contract import BoardSnapshot, Notice

_LOG = logging.getLogger(__name__)
PREVIEW_SIZE = "1280x720"
RENDER_TIMEOUT_S = 60.0


class PreviewError(RuntimeError):
    """The preview could not be drawn; the message says why, for the log."""


class BoardPreview:
    """Draws previews with the console's own config (its theme, fonts and counters)."""

    def __init__(self, config_path: str, size: str = PREVIEW_SIZE) -> None:
        self._config_path = config_path
        self._size = size
        self._lock = asyncio.Lock()

    async def draw(self, board: BoardSnapshot | None, notice: Notice, wall: datetime) -> bytes:
        """The PNG of the board showing ``board`` with ``notice`` at ``wall`` time."""
        async with self._lock:
            with tempfile.TemporaryDirectory(prefix="callboard-preview-") as folder:
                return await self._draw(Path(folder), board, notice, wall)

    async def _draw(
        self, folder: Path, board: BoardSnapshot | None, notice: Notice, wall: datetime
    ) -> bytes:
        out = folder / "board.png"
        (folder / "notice.json").write_bytes(notice.payload())
        args = [
            *("-m", "callboard", "render", "--config", self._config_path),
            *("--notice", str(folder / "notice.json"), "--out", str(out)),
            *("--size", self._size, "--time", wall.strftime("%Y-%m-%dT%H:%M")),
        ]
        if board is not None:
            (folder / "board.json").write_bytes(board.payload())
            args += ["--board", str(folder / "board.json")]
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        try:
            _, err = await asyncio.wait_for(process.communicate(), RENDER_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise PreviewError(f"render took longer than {RENDER_TIMEOUT_S:g} s") from None
        if process.returncode != 0 or not out.is_file():
            raise PreviewError(err.decode(errors="replace").strip()[-300:] or "render failed")
        return out.read_bytes()
