"""The one player: pygame.mixer, opened once, with a channel for the chime and one for words.

Only the main thread calls it (pygame's rule in this program). When no audio device can be
opened, the player says why, and the daemon tries again later; the board never waits.

It also owns the output between calls. While the mixer is open, SDL's audio thread feeds
the device without a break (silence when nothing plays), so a TV whose HDMI audio sleeps
when the stream stops never misses a chime's start: that is ``keep_awake``, the default.
A TV or soundbar that mutes on digital silence even while the stream runs gets noise at
about -80 dBFS instead (``wake_noise``: far below a lobby's own noise). ``lead_in_s`` puts
that much of the idle signal before a chime that follows silence, for a TV that still
swallows the start; with ``keep_awake = false`` the device is released when idle and the
lead-in is the TV's time to wake once it is opened again. The background music
(audio.music) is ducked under every announcement here too.
"""

from __future__ import annotations

import logging
import math
import random
from array import array

import pygame

from audio.music import Music
from audio.pcm import RATE, duration
from config.settings import AudioSettings

_LOG = logging.getLogger(__name__)
CHIME, WORDS, WAKE = 0, 1, 2
IDLE_S = 2.0  # the output has been silent this long: the next chime gets the lead-in
RELEASE_AFTER_S = 10.0  # keep_awake = false: the device is released after this much idle
NOISE_LSB = 5  # wake noise: uniform in -5..5 of 32768, about -80 dBFS RMS


def wake_noise_pcm(seconds: float = 1.0) -> bytes:
    """A loop of white noise far below hearing, so the output never carries digital silence."""
    rng = random.Random(14)
    count = int(RATE * seconds)
    return array("h", (rng.randint(-NOISE_LSB, NOISE_LSB) for _ in range(count))).tobytes()


class Player:
    """Plays PCM clips on two channels of one mixer, with the music under them."""

    def __init__(
        self, audio: AudioSettings | None = None, release_after_s: float = RELEASE_AFTER_S
    ) -> None:
        self.fault: str | None = "not opened yet"
        self._audio = audio or AudioSettings()
        self._sounds: dict[int, pygame.mixer.Sound] = {}
        self._device_open = False
        self._announcing = False
        self._quiet_since = -math.inf  # when the last announcement ended (or the first tick)
        self._release_after_s = release_after_s
        audio = self._audio
        self.music = (
            Music(audio.music, audio.music_volume, audio.music_duck, audio.music_order)
            if audio.music is not None and audio.music_volume > 0
            else None
        )

    @property
    def ready(self) -> bool:
        return self.fault is None

    def open(self) -> bool:
        """Open the mixer (mono, 16-bit, espeak-ng's rate); False with ``fault`` set if not."""
        if self.ready and self._device_open:
            return True
        try:
            pygame.mixer.pre_init(frequency=RATE, size=-16, channels=1, buffer=512)
            pygame.mixer.init()
            pygame.mixer.set_num_channels(3)
            pygame.mixer.set_reserved(3)
            if self._audio.wake_noise:
                noise = pygame.mixer.Sound(buffer=wake_noise_pcm())
                pygame.mixer.Channel(WAKE).play(noise, loops=-1)
                self._sounds[WAKE] = noise
        except pygame.error as exc:
            self.fault = f"no audio device could be opened ({exc})"
            return False
        self.fault = None
        self._device_open = True
        _LOG.info("audio open: %s Hz via %s", RATE, pygame.mixer.get_init())
        return True

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        """Start a clip on a channel, replacing what it played; its length in seconds."""
        if not self.ready or not pcm or not self.open():
            return 0.0
        try:
            sound = pygame.mixer.Sound(buffer=pcm)
            sound.set_volume(volume)
            pygame.mixer.Channel(channel).play(sound)
        except pygame.error as exc:
            self.fault = f"playing failed ({exc})"
            _LOG.warning("audio: %s", self.fault)
            return 0.0
        self._sounds[channel] = sound  # keep it alive while it plays
        return duration(pcm)

    def begin(self, now: float) -> float:
        """An announcement starts: wake the output and duck the music. Seconds of lead-in
        (the lead-in, or the music's fade down) before its first sound may play."""
        self._announcing = True
        woken = not self._device_open
        if not self.open():
            return 0.0
        music = self.music.duck(now) if self.music is not None else 0.0
        playing = self.music is not None and self.music.playing
        idle = woken or (now - self._quiet_since >= IDLE_S and not playing)
        return max(music, self._audio.lead_in_s if idle else 0.0)

    def end(self, now: float) -> None:
        """The announcement is over: the music comes back up."""
        self._announcing = False
        self._quiet_since = now
        if self.music is not None:
            self.music.restore(now)

    def tick(self, now: float, volume: float) -> None:
        """Keep the music going (at ``volume``, the hour's voice volume) and, without
        ``keep_awake``, release an idle device."""
        if not self.ready:
            return
        if self._quiet_since == -math.inf:
            self._quiet_since = now  # the output has been idle since it opened
        share = volume / self._audio.volume if self._audio.volume > 0 else 0.0
        if self.music is not None and self._device_open:
            self.music.tick(now, min(1.0, share))
        if self._device_open and now >= self._release_at():
            pygame.mixer.quit()
            self._device_open = False
            self._sounds.clear()
            _LOG.info("audio: output released while idle (keep_awake = false)")

    def _release_at(self) -> float:
        if self._audio.keep_awake or self._announcing or self.music is not None:
            return math.inf
        return self._quiet_since + self._release_after_s

    def next_change(self, now: float) -> float:
        """When ``tick`` has something to do next (monotonic seconds), or ``inf``."""
        if not self.ready or not self._device_open:
            return math.inf
        music = self.music.next_change(now) if self.music is not None else math.inf
        release = self._release_at()
        return min(music, max(release, now) if release < math.inf else math.inf)

    @property
    def music_fault(self) -> str | None:
        return self.music.fault if self.music is not None else None

    def close(self) -> None:
        if self.ready:
            if self.music is not None:
                self.music.stop()
            if self._device_open:
                pygame.mixer.quit()
            self._device_open = False
            self.fault = "closed"
