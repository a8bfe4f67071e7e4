"""Background music: the branch's own files from a folder, quiet, ducked under every call.

It is pygame.mixer.music: SDL_mixer streams one file at a time and decodes it in the audio
thread, so a four-minute song costs no memory and the main thread only sets a volume now
and then. SDL_mixer applies that volume once per mixing buffer (512 samples, 23 ms) in
whole 128ths, so a ramp is a staircase of small steps: moved every ``RAMP_STEP_S`` along a
smooth curve, the default duck (0.15 to a quarter of it) is 14 steps of one 128th, none
over 0.6 dB, measured on the mixed output by tests/audio/test_music.py. A channel of our
own fed with decoded chunks could ramp per sample, but it would need the whole file
decoded in memory or the main loop to feed it on time, and a late loop would be a gap.

Music never delays or cuts a call: a file that cannot be played is skipped with one log
line, a folder with nothing playable is a fault retried every minute, and no music call
can raise into the announcer.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from pathlib import Path

import pygame

_LOG = logging.getLogger(__name__)
SUFFIXES = (".ogg", ".oga", ".opus", ".mp3", ".flac", ".wav")
DUCK_DOWN_S = 0.3  # the music fades down this long before the chime
RESTORE_S = 1.0  # and back up this long after the last words
RAMP_STEP_S = 0.01  # the volume moves at least once per mixing buffer (23 ms)
TRACK_POLL_S = 0.5  # a track that ended is followed within this
RETRY_S = 60.0  # a folder with nothing playable is looked at again after this


def smooth(x: float) -> float:
    """A ramp's shape from 0 to 1: it leaves and arrives gently (no corner to hear)."""
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


class Music:
    """Plays a folder's files in a loop at a quiet volume; ducks under announcements."""

    def __init__(
        self,
        folder: Path,
        volume: float,
        duck: float,
        order: str = "shuffle",
        rng: random.Random | None = None,
    ) -> None:
        self.folder = folder
        self._volume = volume
        self._duck = duck
        self._order = order
        self._rng = rng or random.Random()
        self.fault: str | None = None
        self.track: Path | None = None
        self._pass: list[Path] = []
        self._told: set[str] = set()  # files already said to be unplayable
        self._retry_at = -math.inf
        self._paused = False
        self._scale = 1.0  # quiet hours: 0 pauses the music
        self._ramp = (-math.inf, 1.0, -math.inf, 1.0)  # from time, share; to time, share
        self._set: int | None = None  # the volume last given to SDL_mixer, in 128ths
        self._next_poll = -math.inf
        self._logged: str | None = None
        self._queued: Path | None = None  # the track SDL_mixer starts when this one ends
        self._position = -1  # the play position at the last look, ms

    @property
    def playing(self) -> bool:
        return self.track is not None and not self._paused

    def share(self, now: float) -> float:
        """The music's level now, as a share of its volume (1 normal, ``duck`` under calls)."""
        t0, g0, t1, g1 = self._ramp
        if now >= t1:
            return g1
        return g0 + (g1 - g0) * smooth((now - t0) / (t1 - t0))

    def _ramp_to(self, share: float, now: float, length: float) -> float:
        current = self.share(now)
        if current == share:
            self._ramp = (now, share, now, share)
            return 0.0
        length *= abs(share - current) / max(abs(1.0 - self._duck), 1e-9)
        self._ramp = (now, current, now + length, share)
        return length

    def duck(self, now: float) -> float:
        """Fade down for an announcement; seconds until the music is down (0 if silent)."""
        left = self._ramp_to(self._duck, now, DUCK_DOWN_S)
        return left if self.playing and self._volume * self._scale > 0 else 0.0

    def restore(self, now: float) -> None:
        """Fade back up after an announcement."""
        self._ramp_to(1.0, now, RESTORE_S)

    def tick(self, now: float, scale: float) -> None:
        """Follow the ramp, the quiet hours (``scale``: the hour's share of the volume) and
        the end of a track."""
        self._scale = scale
        if scale <= 0:
            if self.track is not None and not self._paused:
                pygame.mixer.music.pause()
                self._paused = True
            return
        if self._paused:
            pygame.mixer.music.unpause()
            self._paused = False
        if now >= self._next_poll:
            self._next_poll = now + TRACK_POLL_S
            self._follow(now)
        self._apply(now)

    def _apply(self, now: float) -> None:
        level = round(self._volume * self._scale * self.share(now) * 128)
        if level != self._set:
            pygame.mixer.music.set_volume(level / 128)
            self._set = level

    def next_change(self, now: float) -> float:
        if self._scale <= 0:
            return math.inf  # paused: the quiet hours' end comes with the clock's minute
        if now < self._ramp[2]:
            return now + RAMP_STEP_S
        if self.track is None:
            return self._retry_at
        return self._next_poll

    def _tracks(self) -> list[Path]:
        try:
            found = sorted(
                p for p in self.folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()
            )
        except OSError as exc:
            self.fault = f"music folder {self.folder}: {exc.strerror or exc}"
            return []
        if not found:
            self.fault = f"music folder {self.folder} has no {'/'.join(SUFFIXES)} files"
        if self._order == "shuffle":
            self._rng.shuffle(found)
        return found

    def _follow(self, now: float) -> None:
        """The next track is queued in SDL_mixer, so it follows within a buffer; a drop in
        the play position says it has begun, and the one after it is queued."""
        if not pygame.mixer.music.get_busy():
            if now >= self._retry_at:
                self._play_next(now)
            return
        position = pygame.mixer.music.get_pos()
        if position < self._position and self._queued is not None:
            self.track, self._queued = self._queued, None
            _LOG.info("music: playing %s", self.track.name)
        self._position = position
        if self._queued is None:
            self._queued = self._load_next(pygame.mixer.music.queue)

    def _play_next(self, now: float) -> None:
        def start(name: str) -> None:
            pygame.mixer.music.load(name)
            pygame.mixer.music.play()

        self.track, self._queued, self._position = self._load_next(start), None, -1
        if self.track is not None:
            self.fault, self._set, self._logged = None, None, None
            _LOG.info("music: playing %s", self.track.name)
            return
        if self.fault is None:
            self.fault = f"music folder {self.folder}: no file could be played"
        if self.fault != self._logged:
            self._logged = self.fault
            _LOG.warning("music: %s; calls go on, looking again every %.0f s", self.fault, RETRY_S)
        self._retry_at = now + RETRY_S

    def _load_next(self, take: Callable[[str], None]) -> Path | None:
        """The next file of this pass (a new pass when it is over) that ``take`` accepts;
        None when a whole pass has nothing playable."""
        refilled = False
        while True:
            if not self._pass:
                if refilled:
                    return None
                self._pass, refilled = self._tracks(), True
                if not self._pass:
                    return None
            path = self._pass.pop(0)
            try:
                take(str(path))
            except (pygame.error, OSError) as exc:
                if path.name not in self._told:
                    self._told.add(path.name)
                    _LOG.warning("music: skipped %s: %s", path, exc)
                continue
            return path

    def stop(self) -> None:
        if self.track is not None:
            pygame.mixer.music.stop()
            pygame.mixer.music.unload()
            self.track = self._queued = None
