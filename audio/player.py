"""The one player: pygame.mixer, opened once, with a channel for the chime and one for words.

Only the main thread calls it (pygame's rule in this program). When no audio device can be
opened, the player says why, and the daemon tries again later; the board never waits.
"""

from __future__ import annotations

import logging

import pygame

from audio.pcm import RATE, duration

_LOG = logging.getLogger(__name__)
CHIME, WORDS = 0, 1


class Player:
    """Plays PCM clips on two channels of one mixer."""

    def __init__(self) -> None:
        self.fault: str | None = "not opened yet"
        self._sounds: dict[int, pygame.mixer.Sound] = {}

    @property
    def ready(self) -> bool:
        return self.fault is None

    def open(self) -> bool:
        """Open the mixer (mono, 16-bit, espeak-ng's rate); False with ``fault`` set if not."""
        if self.ready:
            return True
        try:
            pygame.mixer.pre_init(frequency=RATE, size=-16, channels=1, buffer=512)
            pygame.mixer.init()
            pygame.mixer.set_num_channels(2)
            pygame.mixer.set_reserved(2)
        except pygame.error as exc:
            self.fault = f"no audio device could be opened ({exc})"
            return False
        self.fault = None
        _LOG.info("audio open: %s Hz via %s", RATE, pygame.mixer.get_init())
        return True

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        """Start a clip on a channel, replacing what it played; its length in seconds."""
        if not self.ready or not pcm:
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

    def close(self) -> None:
        if self.ready:
            pygame.mixer.quit()
            self.fault = "closed"
