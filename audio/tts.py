"""Speech synthesis behind one small interface, kept away from the board's thread.

pyttsx3 is not thread-safe, and its ``runAndWait`` is known to hang or return early on
Linux (its issues #126, #219, #262; 2.99 also keeps only the last ``say()``). So it runs in
a worker process of its own, one utterance per ``save_to_file`` call, each with a timeout;
a worker that wedges is killed and started again, and every file it writes is checked.
espeak-ng, called directly, is the fallback behind the same interface.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from audio.pcm import PcmError, read_wav, trim
from config.plugins import TTS_ENGINES, registered
from lobby.errors import CallboardError

_LOG = logging.getLogger(__name__)
TIMEOUT_S = 10.0


class TtsError(CallboardError, RuntimeError):
    """Speech could not be synthesised (engine missing, voice missing, worker wedged)."""


class BadOutput(TtsError):
    """The engine answered, but its file holds no usable speech (pyttsx3's early return)."""


class _WorkerDied(Exception):
    """The worker's pipe broke: it crashed or was killed."""


class SpeechEngine(Protocol):
    name: str

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        """The trimmed PCM of ``text`` spoken by ``voice``; ``TtsError`` if it cannot."""
        ...

    def close(self) -> None: ...


def _checked(path: Path, text: str) -> bytes:
    try:
        pcm = trim(read_wav(path))
    except (OSError, PcmError) as exc:
        raise BadOutput(f"no usable audio for {text!r}: {exc}") from None
    if not pcm:
        raise BadOutput(f"the synthesised audio for {text!r} is silent")
    return pcm


class EspeakNg:
    """espeak-ng called directly, one process per utterance."""

    name = "espeak-ng"

    def __init__(self, binary: str | None = None) -> None:
        found = binary or shutil.which("espeak-ng")
        if found is None:
            raise TtsError("espeak-ng is not installed: sudo apt install espeak-ng")
        self._binary = found

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        with tempfile.TemporaryDirectory(prefix="callboard-tts-") as work:
            path = Path(work) / "clip.wav"
            try:
                result = subprocess.run(
                    [self._binary, "-v", voice, "-s", str(rate), "-w", str(path), "--", text],
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT_S,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise TtsError(f"espeak-ng took over {TIMEOUT_S:.0f} s for {text!r}") from None
            if result.returncode != 0 or "not found" in result.stderr.lower():
                reason = result.stderr.strip() or f"exit code {result.returncode}"
                raise TtsError(f"espeak-ng voice {voice!r}: {reason}")
            return _checked(path, text)

    def close(self) -> None:
        pass


def _worker_main(conn: Connection) -> None:  # pragma: no cover - runs in the worker process
    """The pyttsx3 worker: one request at a time, answered on the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker ends
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pyttsx3 prints "Audio saved to …"
    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak  # its ctypes binding of libespeak-ng's API

        engine = pyttsx3.init("espeak")
        voices = {v.id: v for v in engine.getProperty("voices")}
    except Exception as exc:  # report any start-up failure to the parent, then stop
        conn.send(("error", f"pyttsx3 did not start: {exc}"))
        return
    conn.send(("ready", ""))
    while True:
        try:
            text, voice, rate, path = conn.recv()
        except EOFError:
            return
        chosen = next((vid for vid in voices if vid == voice or vid.endswith("/" + voice)), None)
        if chosen is None:
            conn.send(("error", f"no voice {voice!r} in pyttsx3's espeak voices"))
            continue
        try:
            engine.setProperty("voice", chosen)
            engine.setProperty("rate", rate)
            # pyttsx3 runs espeak-ng asynchronously: the voice changes at once, the rate
            # goes through espeak-ng's command queue. Without waiting for that queue, a
            # third of the clips after a change of language came out at the previous
            # language's rate (English at Mandarin's 200 wpm); with it, none in 200.
            _espeak.Synchronize()
            engine.save_to_file(text, path)
            engine.runAndWait()
            conn.send(("ok", path))
        except Exception as exc:  # the parent decides what to do; the worker lives on
            conn.send(("error", f"pyttsx3 failed on {text!r}: {exc}"))


class Pyttsx3Worker:
    """pyttsx3 in a worker process, restarted whenever it wedges or dies."""

    name = "pyttsx3"

    def __init__(self, timeout_s: float = TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        """How long an utterance (or the start) may take before the worker is restarted."""
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="callboard-pyttsx3-"))
        self.restarts = 0
        self._start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_worker_main, args=(child,), daemon=True, name="callboard-tts"
        )
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(self.timeout_s):
            self._kill()
            raise TtsError(f"the pyttsx3 worker did not start within {self.timeout_s:.0f} s")
        try:
            state, detail = parent.recv()
        except (EOFError, OSError):
            self._kill()
            raise TtsError("the pyttsx3 worker died while starting") from None
        if state != "ready":
            self._kill()
            raise TtsError(detail)

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(2)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def _restart(self, why: str) -> None:
        _LOG.warning("restarting the speech worker: %s", why)
        self._kill()
        self.restarts += 1
        self._start()

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        """Say one utterance; a dead worker is restarted, and a dead worker or an empty
        file (runAndWait returning early) is asked again, once."""
        for attempt in (1, 2):
            if self._process is None or not self._process.is_alive():
                self._restart("it was not running")
            try:
                return self._ask(text, voice, rate)
            except _WorkerDied as died:
                self._restart(str(died))
                if attempt == 2:
                    raise TtsError(f"the speech worker died twice saying {text!r}") from None
            except BadOutput as bad:
                if attempt == 2:
                    raise
                _LOG.debug("asking the speech worker again: %s", bad)
        raise AssertionError("unreachable")

    def _ask(self, text: str, voice: str, rate: int) -> bytes:
        assert self._conn is not None
        path = self._dir / "clip.wav"
        path.unlink(missing_ok=True)
        try:
            self._conn.send((text, voice, rate, str(path)))
            ready = self._conn.poll(self.timeout_s)
            if ready:
                state, detail = self._conn.recv()
        except (OSError, EOFError) as exc:
            raise _WorkerDied(f"it died ({exc.__class__.__name__})") from None
        if not ready:
            self._restart(f"no answer within {self.timeout_s:.0f} s")
            raise TtsError(f"the speech worker wedged on {text!r}")
        if state != "ok":
            raise TtsError(detail)
        return _checked(path, text)

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self._dir, ignore_errors=True)


def open_engines(preferred: str) -> list[SpeechEngine]:
    """The preferred engine, then the other registered ones as fallbacks (by name, from the
    ``callboard.tts_engines`` entry points); any that cannot start is left out."""
    table = registered(TTS_ENGINES)
    order = [preferred, *sorted(name for name in table if name != preferred)]
    engines: list[SpeechEngine] = []
    for name in order:
        entry = table.get(name)
        if entry is None:
            _LOG.warning("speech engine %s is not registered (is callboard installed?)", name)
            continue
        try:
            engines.append(entry.load()())
        except TtsError as exc:
            _LOG.warning("speech engine %s unavailable: %s", name, exc)
    return engines
