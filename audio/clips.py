"""The clip library: every token the voice may need, synthesised once, kept in memory and
on disk, so a call is spoken from clips that are already there.

A background thread owns the speech engines; the board's thread only asks for clips and
is told (through the daemon's inbox) when missing ones are ready.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from audio.pcm import PcmError, normalise, read_wav, write_wav
from audio.reading import LANGUAGE_NAMES, misreading, said_as
from audio.tts import SpeechEngine, TtsError
from audio.voicepack import ClipSpec, PackReport, load_pack

_LOG = logging.getLogger(__name__)
# Part of every clip's cache key: raised when clips made before were wrong, so none is kept.
# 2: the pyttsx3 worker said some clips at the rate of the language before.
CLIP_VERSION = 2


@dataclass(frozen=True)
class ClipsReady:
    """Clips asked for are synthesised (or failed): the announcer may go on."""

    language: str


def default_cache_dir() -> Path:
    """$STATE_DIRECTORY under systemd, else the user's cache folder."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0]) / "clips"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "callboard" / "clips"


class ClipLibrary:
    """Clips by (language, token); synthesised in the background, cached on disk."""

    def __init__(
        self,
        engines: Callable[[], list[SpeechEngine]],
        voices: dict[str, str],
        rates: dict[str, int],
        cache_dir: Path | None,
        notify: Callable[[object], None] = lambda item: None,
        pack: tuple[Path, list[ClipSpec]] | None = None,
    ) -> None:
        self._open_engines = engines
        self._engines: list[SpeechEngine] | None = None
        self._voices = voices
        self._rates = rates
        self._dir = cache_dir
        self._notify = notify
        self._clips: dict[tuple[str, str], bytes] = {}
        self._failed: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pack = pack
        self._pack_lock = threading.Lock()
        self._from_pack: set[tuple[str, str]] = set()
        self.pack_report: PackReport | None = None
        """The voice pack as loaded (None: none configured, or not loaded yet)."""
        self.faults: dict[str, str] = {}
        """Per language, the last synthesis fault; per "<language> voice", a voice that does
        not read its language (both reported in DeviceStatus)."""

    # Reading (any thread)

    def get(self, language: str, token: str) -> bytes | None:
        """The clip, or None while it is being made (or the voice pack being read)."""
        if self._pack is not None and self.pack_report is None:
            return None  # the pack's clip, not synthesis, says this once it is read
        with self._lock:
            return self._clips.get((language, token))

    def from_pack(self, language: str, token: str) -> bool:
        """The clip is the voice pack's recording (not synthesised)."""
        with self._lock:
            return (language, token) in self._from_pack

    def failed(self, language: str, token: str) -> str | None:
        with self._lock:
            return self._failed.get((language, token))

    def missing(self, language: str, tokens: Iterable[str]) -> list[str]:
        with self._lock:
            return [t for t in tokens if (language, t) not in self._clips]

    @property
    def alive(self) -> bool:
        """The synthesis thread runs (or was never needed)."""
        return self._thread is None or self._thread.is_alive()

    def __len__(self) -> int:
        return len(self._clips)

    # Synthesis (the worker thread, or the caller for ``synthesize_now``)

    def engines(self) -> list[SpeechEngine]:
        """The speech engines, started on first use (pyttsx3's worker takes a moment)."""
        if self._engines is None:
            self._engines = self._open_engines()
            if not self._engines:
                self.faults["all"] = "no speech engine could start (install espeak-ng)"
        return self._engines

    def _path(self, language: str, token: str) -> Path | None:
        engines = self.engines()
        if self._dir is None or not engines:
            return None
        voice = self._voices.get(language, language)
        rate = self._rates.get(language, 160)
        said = said_as(voice, token)
        key = f"v{CLIP_VERSION}|{engines[0].name}|{voice}|{rate}|{said}".encode()
        return self._dir / f"{language}-{hashlib.sha1(key).hexdigest()[:16]}.wav"

    def load_pack(self) -> None:
        """Read the voice pack (once; the synthesis thread does it first thing): its clips
        take the place of synthesis, word by word; what it lacks is synthesised."""
        with self._pack_lock:
            if self._pack is None or self.pack_report is not None:
                return
            report = load_pack(*self._pack)
            usable = report.usable()
            with self._lock:
                self._clips.update(usable)
                self._from_pack.update(usable)
                for key in usable:
                    self._failed.pop(key, None)
            _LOG.info("voice pack %s", report.summary())
            for clip in report.clips:
                for problem in clip.problems:
                    _LOG.warning("voice pack: %s: %s", clip.shown_name, problem)
            fault = report.fault()
            if fault:
                self.faults["voice pack"] = fault
            self.pack_report = report
        for language in {spec.language for spec in self._pack[1]}:
            self._notify(ClipsReady(language))

    def synthesize_now(self, language: str, token: str) -> bytes | None:
        """The clip, synthesised here and now if need be; None if no engine can say it."""
        self.load_pack()
        clip = self.get(language, token)
        if clip is not None:
            return clip
        path = self._path(language, token)
        if path is not None and path.is_file():
            try:
                clip = read_wav(path)
            except PcmError:
                path.unlink(missing_ok=True)
        if clip is None:
            clip = self._synthesize(language, token)
            if clip is not None and path is not None:
                self._save(path, clip)
        if clip is not None:
            with self._lock:
                self._clips[(language, token)] = clip
                self._failed.pop((language, token), None)
        return clip

    def _synthesize(self, language: str, token: str) -> bytes | None:
        voice = self._voices.get(language, language)
        text = said_as(voice, token)
        reasons = []
        for engine in self.engines():
            try:
                clip = normalise(engine.synthesize(text, voice, self._rates.get(language, 160)))
            except TtsError as exc:
                reasons.append(f"{engine.name}: {exc}")
                continue
            self.faults.pop(language, None)
            return clip
        reason = "; ".join(reasons) or "no speech engine is available (install espeak-ng)"
        with self._lock:
            self._failed[(language, token)] = reason
        if self.faults.get(language) != reason:
            _LOG.warning("cannot say %r in %s: %s", token, language, reason)
        self.faults[language] = reason
        return None

    def _save(self, path: Path, clip: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            write_wav(partial, clip)
            partial.replace(path)
        except OSError as exc:
            _LOG.debug("clip cache not written: %s", exc)

    # The background thread

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="callboard-clips", daemon=True)
            self._thread.start()

    def request(self, language: str, tokens: Iterable[str]) -> None:
        """Synthesise these in the background; a ``ClipsReady`` follows."""
        self._requests.put(partial(self._synthesize_all, language, tuple(tokens)))

    def check_reading(self, language: str, tokens: Iterable[str], fix: str) -> None:
        """Check in the background that the voice reads these as ``language``: one that does
        not (espeak-ng 1.51's ``cmn`` reads Mandarin as English spelling) is logged once and
        stays a fault, with ``fix``, until the config is put right."""
        self._requests.put(partial(self._check_reading, language, tuple(tokens), fix))

    def warm(self, wanted: dict[str, set[str]]) -> None:
        """Synthesise everything the voice may need, in the background, before it is needed."""
        for language, tokens in wanted.items():
            self.request(language, sorted(tokens))

    def _run(self) -> None:
        try:
            self.load_pack()
        except Exception:  # a bug here must not silence the lobby: synthesis says it all
            _LOG.exception("the voice pack could not be read")
            folder = self._pack[0] if self._pack else Path()
            self.pack_report = PackReport(folder, [], folder_problem="could not be read")
        self.engines()
        while True:
            job = self._requests.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # a bug here must not silence the lobby for good
                _LOG.exception("the speech synthesis thread failed at a task")

    def _synthesize_all(self, language: str, tokens: tuple[str, ...]) -> None:
        for token in tokens:
            try:
                self.synthesize_now(language, token)
            except Exception:  # a bug here must not silence the lobby for good
                _LOG.exception("synthesis of %r failed", token)
        self._notify(ClipsReady(language))

    def _check_reading(self, language: str, tokens: tuple[str, ...], fix: str) -> None:
        voice = self._voices.get(language, language)
        try:
            wrong = misreading(language, voice, tokens)
        except TtsError as exc:  # a missing voice is reported by synthesis itself
            _LOG.info("the %s voice was not checked: %s", language, exc)
            return
        if wrong:
            name = LANGUAGE_NAMES.get(language, language)
            fault = f"espeak-ng voice {voice} {wrong}: the {name} part is not understood; {fix}"
            self.faults[f"{language} voice"] = fault
            _LOG.warning("%s", fault)
        else:
            self.faults.pop(f"{language} voice", None)
        self._notify(ClipsReady(language))

    def close(self) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join(5)
        for engine in self._engines or []:
            engine.close()
