"""The daemon's voice: the clip library, the player and the announcer, wired from the config.

It lives on the main thread with the board; synthesis runs on the clip library's thread
and reports back through the daemon's inbox. A missing speaker or speech engine is a fault
reported in DeviceStatus, retried every minute, and never stops the board.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from audio.announcer import Announcer
from audio.clips import ClipLibrary, ClipsReady, default_cache_dir
from audio.player import Player
from audio.tts import open_engines
from audio.voicepack import ClipSpec, clip_specs
from config.settings import DEFAULT_VOICES, Config
from lobby.speech import all_tokens, spoken_part
from screen.messages import Called, DayChanged, StatusChanged
from screen.parts import NOTHING, Part

_LOG = logging.getLogger(__name__)
RETRY_S = 60.0
__all__ = ["DEFAULT_VOICES", "Voice", "clip_library", "needed_tokens", "sample_words", "voices"]
SAMPLE_NUMBER = "023"


def voices(config: Config) -> dict[str, str]:
    """The espeak-ng voice of each spoken language: the config's, else the default."""
    return {**DEFAULT_VOICES, **config.audio.voices}


def voices_fix(config: Config) -> str:
    """The one line that puts the config's voices right, for a message."""
    configured = voices(config)
    chosen = {
        language: DEFAULT_VOICES.get(language, configured.get(language, language))
        for language in config.audio.languages
    }
    inner = ", ".join(f'{language} = "{voice}"' for language, voice in chosen.items())
    return f"in [audio] write  voices = {{ {inner} }}"


def sample_words(config: Config) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Per language, a sample announcement (the first service's ticket 023 to the first
    counter) as text and as the tokens the voice says."""
    ticket = (config.services[0].prefix if config.services else "A") + SAMPLE_NUMBER
    counter = config.counter(config.counters[0].id if config.counters else "1")
    out = {}
    for language in config.audio.languages:
        template = config.audio.template_for(language)
        name = counter.spoken_name(language)
        reading = config.audio.reading.get(language, "digits")
        part = spoken_part(language, template, ticket, name, reading, config.audio.zero)
        out[language] = (template.format(ticket=ticket, counter=name), part.tokens)
    return out


def clip_library(
    config: Config, notify: Callable[[object], None] = lambda item: None, cache: bool = True
) -> ClipLibrary:
    audio = config.audio
    return ClipLibrary(
        engines=lambda: open_engines(audio.engine),
        voices=voices(config),
        rates={language: audio.rate_for(language) for language in audio.languages},
        cache_dir=default_cache_dir() if cache else None,
        notify=notify,
        pack=pack_clips(config),
    )


def pack_clips(config: Config) -> tuple[Path, list[ClipSpec]] | None:
    """The voice pack's folder and every clip the config needs from it (None: no pack)."""
    folder = config.audio.voice_pack
    return None if folder is None else (folder, clip_specs(config, needed_tokens(config)))


def needed_tokens(config: Config) -> dict[str, set[str]]:
    """Every clip the voice may need, per language."""
    audio = config.audio
    prefixes = [service.prefix for service in config.services]
    return {
        language: all_tokens(
            language,
            audio.template_for(language),
            prefixes,
            [c.spoken_name(language) for c in config.counters],
            audio.reading.get(language, "digits"),
            audio.zero,
            audio.apology_for(language) if audio.apology_after_s else "",
        )
        for language in audio.languages
    }


class Voice(Part):
    """Speaks calls for the screen; every method is for the main thread."""

    handles = (Called, ClipsReady, DayChanged)

    def __init__(
        self,
        config: Config,
        notify: Callable[[object], None],
        on_spoken: Callable[[str], None],
        wall: Callable[[], datetime],
    ) -> None:
        self._config = config
        self._wall = wall
        self.clips = clip_library(config, notify)
        self.player = Player(config.audio)
        self.announcer = Announcer(config, self.clips, self.player, on_spoken)
        self._retry_at = math.inf
        self._fault_logged: str | None = None
        self._reported: tuple[object, ...] = ()
        self._closed = False
        """Outside the opening hours the lobby hears nothing (lobby/day.py)."""

    def start(self, now: float) -> None:
        self.clips.start()
        fix = voices_fix(self._config)
        for language, (_text, tokens) in sample_words(self._config).items():
            self.clips.check_reading(language, tokens, fix)
        self.clips.warm(needed_tokens(self._config))
        self._open(now)

    def _open(self, now: float) -> None:
        if self.player.open():
            self._retry_at = math.inf
            self._fault_logged = None
            return
        if self.player.fault != self._fault_logged:
            _LOG.warning(
                "audio: %s; the board goes on, retrying every %.0f s", self.player.fault, RETRY_S
            )
            self._fault_logged = self.player.fault
        self._retry_at = now + RETRY_S

    def trouble(self) -> str:
        return "" if self.clips.alive else "the speech synthesis thread has died"

    def handle(self, message: object, now: float) -> Sequence[object]:
        if isinstance(message, DayChanged):
            self._closed = not message.view.speaks
        elif isinstance(message, Called) and message.announce and self._closed:
            call = message.call
            _LOG.info(
                "call %s (%s to counter %s) is shown, not spoken: the lobby is closed",
                call.id,
                call.ticket,
                call.counter,
            )
        elif isinstance(message, Called) and message.announce:
            self.announcer.announce(message.call, now)
        return NOTHING  # ClipsReady only wakes the loop: the next tick uses the clips

    def tick(self, now: float) -> Sequence[object]:
        if now >= self._retry_at:
            self._open(now)
        hhmm = self._wall().strftime("%H:%M")
        self.announcer.tick(now, hhmm)
        self.player.tick(now, self._config.audio.volume_at(hhmm))
        status = self.status()
        faults = (status["audio"], status["audio_faults"])
        if faults != self._reported:  # a fault (or its end) is reported soon
            self._reported = faults
            return (StatusChanged(),)
        return NOTHING

    def next_wake(self, now: float) -> float:
        return min(self.announcer.next_change(now), self._retry_at, self.player.next_change(now))

    def status(self) -> Mapping[str, Any]:
        faults = dict(self.clips.faults)
        if self.player.fault:
            faults["speaker"] = self.player.fault
        if self.player.music_fault:
            faults["music"] = self.player.music_fault
        return {
            "audio": "fault" if faults else "ok",
            "audio_faults": faults,
            "voice_backlog": self.announcer.backlog,
            "announced": self.announcer.spoken,
        }

    def close(self) -> None:
        self.clips.close()
        self.player.close()
