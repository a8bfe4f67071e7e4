"""The announcer: one call at a time, in call order, never two at once, never blocking.

It is a small state machine the daemon's loop drives (``tick``) on the main thread: a call
comes in, the chime starts at once, the words follow as soon as the chime allows and their
clips are there, then the repetitions. While other calls wait, a call is said once (the
backlog policy in ``lobby.speech``): none is dropped, none is late.
"""

from __future__ import annotations

import logging
import math
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from audio.chime import WORDS_AFTER_S, chime_pcm
from audio.clips import ClipLibrary
from audio.pcm import RATE, samples, silence
from audio.player import CHIME, WORDS
from audio.recorded import joined
from config.journal import RateLimitedLog
from config.settings import Config
from lobby.contract import CallEvent
from lobby.speech import (
    Spoken,
    apologises,
    apology_part,
    repeats_for,
    speaking_order,
    spoken_part,
)

_LOG = logging.getLogger(__name__)
# Between the clips of one language: each clip keeps a 20 ms soft edge (audio.pcm.trim), so
# 20 ms more spaces words as espeak-ng does within a Mandarin sentence. It was 60 ms: with
# eight clips a language, half a second of dead air a round.
TOKEN_GAP_S = 0.02
LANGUAGE_GAP_S = 0.45
REPEAT_GAP_S = 0.9
MAX_BACKLOG = 20  # calls waiting to be said, at most: about three minutes of speech
MAX_WAIT_S = 60.0  # a call not started within this is not announced late (it is logged)
CLIP_POLL_S = 0.1


class Speaker(Protocol):
    """What the announcer plays through (the mixer, or a recording stand-in)."""

    @property
    def ready(self) -> bool: ...

    def play(self, channel: int, pcm: bytes, volume: float) -> float: ...


@runtime_checkable
class Output(Speaker, Protocol):
    """A speaker with an output of its own to look after (the mixer): woken, and its music
    ducked, before each announcement, and told when it is over. A recording stand-in needs
    neither."""

    def begin(self, now: float) -> float:
        """Seconds before the announcement's first sound may play (a lead-in, a fade)."""
        ...

    def end(self, now: float) -> None: ...


@dataclass
class _Current:
    call: CallEvent
    volume: float
    repeats: int
    words_at: float
    parts: list[Spoken]
    reps: list[bytes] = field(default_factory=list)
    rep: int = -1
    ends: float = math.inf


def spoken_parts(config: Config, call: CallEvent, again: bool = False) -> list[Spoken]:
    """The words of a call in each spoken language, the customer's first (or alone); a long
    wait's apology opens each language's call, in the first round only (``again``: a
    repetition, said without it)."""
    audio = config.audio
    counter = config.counter(call.counter)
    sorry = not again and apologises(call.kind, call.waited_s, audio.apology_after_s)
    parts: list[Spoken] = []
    for language in speaking_order(audio.languages, call.lang, audio.customer_language):
        apology = apology_part(language, audio.apology_for(language)) if sorry else None
        if apology is not None and apology.tokens:
            parts.append(apology)
        parts.append(
            spoken_part(
                language,
                audio.template_for(language),
                call.ticket,
                counter.spoken_name(language),
                audio.reading.get(language, "digits"),
                audio.zero,
            )
        )
    return parts


def join_words(clips: ClipLibrary, parts: list[Spoken]) -> bytes | None:
    """One repetition's PCM, or None while a clip is still being made.

    A language whose clips cannot be made at all (a missing voice) is left out; the others
    are still said.
    """
    said: list[bytes] = []
    for part in parts:
        pieces: list[bytes] = []
        recorded: list[bool] = []
        for token in part.tokens:
            clip = clips.get(part.language, token)
            if clip is None:
                if clips.failed(part.language, token) is None:
                    return None
                pieces = []
                break
            pieces.append(clip)
            recorded.append(clips.from_pack(part.language, token))
        if pieces:
            said.append(joined(pieces, recorded, silence(TOKEN_GAP_S)))
    return silence(LANGUAGE_GAP_S).join(said)


def mix(base: bytes, over: bytes, offset_s: float) -> bytes:
    """``over`` added onto ``base`` from ``offset_s`` on (clipped, not wrapped)."""
    a, b = samples(base), samples(over)
    start = int(offset_s * RATE)
    total = max(len(a), start + len(b))
    out = array("h", bytes(total * 2))
    for i, value in enumerate(a):
        out[i] = value
    for i, value in enumerate(b):
        out[start + i] = max(-32768, min(32767, out[start + i] + value))
    return out.tobytes()


class Announcer:
    """Announces calls through one speaker, in order, one at a time."""

    def __init__(
        self,
        config: Config,
        clips: ClipLibrary,
        speaker: Speaker,
        on_spoken: Callable[[str], None] = lambda call_id: None,
    ) -> None:
        self._config = config
        self._audio = config.audio
        self._clips = clips
        self._speaker = speaker
        self._on_spoken = on_spoken
        self._chime = chime_pcm() if self._audio.chime else b""
        self._queue: deque[tuple[CallEvent, float]] = deque()
        self._current: _Current | None = None
        self.spoken = 0
        self.skipped = 0
        self._warn = RateLimitedLog(_LOG)

    @property
    def backlog(self) -> int:
        return len(self._queue)

    @property
    def busy(self) -> bool:
        return self._current is not None

    def announce(self, call: CallEvent, now: float) -> None:
        """Queue a call (a recall is a call of its own) and ask for any clip it lacks."""
        if not self._audio.enabled:
            return
        if len(self._queue) >= MAX_BACKLOG:  # far more than speech can catch up with
            dropped, _ = self._queue.popleft()
            self._drop(dropped, "calls came faster than speech")
        self._queue.append((call, now))
        for part in spoken_parts(self._config, call):
            missing = self._clips.missing(part.language, part.tokens)
            if missing:
                self._clips.request(part.language, missing)

    def tick(self, now: float, hhmm: str) -> None:
        """Move on: start the next call, its words, its next repetition, as time allows."""
        for _ in range(8):  # a few steps at most per tick; each returns when it must wait
            if not self._step(now, hhmm):
                return

    def _step(self, now: float, hhmm: str) -> bool:
        current = self._current
        if current is None:
            return self._start_next(now, hhmm)
        if current.rep < 0:
            return self._start_words(current, now)
        if now < current.ends:
            return False
        if current.rep + 1 < len(current.reps) and not self._queue:
            current.rep += 1
            current.ends = now + self._speaker.play(
                WORDS, current.reps[current.rep], current.volume
            )
            return False
        self._finish(now)
        return True

    def _begin(self, now: float) -> float:
        return self._speaker.begin(now) if isinstance(self._speaker, Output) else 0.0

    def _finish(self, now: float) -> None:
        self._current = None
        if isinstance(self._speaker, Output):
            self._speaker.end(now)

    def _drop(self, call: CallEvent, why: str) -> None:
        self.skipped += 1
        self._warn.warning(
            "drop", "call %s (%s) shown but not announced: %s", call.id, call.ticket, why
        )

    def _start_next(self, now: float, hhmm: str) -> bool:
        while self._queue and now - self._queue[0][1] > MAX_WAIT_S:
            call, _ = self._queue.popleft()  # the customer has long seen the screen
            why = "no speaker" if not self._speaker.ready else "calls came faster than speech"
            self._drop(call, f"{why} for {MAX_WAIT_S:.0f} s")
        if not self._queue or not self._speaker.ready:
            return False
        call, received = self._queue.popleft()
        volume = self._audio.volume_at(hhmm)
        if volume <= 0:
            _LOG.info("quiet hours: call %s shown, not spoken", call.id)
            return True
        lead = self._begin(now)  # the output woken, the music fading down
        if not self._speaker.ready:  # it could not be opened again: the call waits
            self._queue.appendleft((call, received))
            return False
        repeats = repeats_for(len(self._queue), self._audio.repeat)
        words_at = now + lead
        if self._chime:  # the lead-in goes before the chime in one clip: exact to the sample
            self._speaker.play(CHIME, silence(lead) + self._chime, volume)
            words_at += WORDS_AFTER_S
        self._current = _Current(call, volume, repeats, words_at, spoken_parts(self._config, call))
        self.spoken += 1
        self._on_spoken(call.id)
        return True

    def _start_words(self, current: _Current, now: float) -> bool:
        if now < current.words_at:
            return False
        words = join_words(self._clips, current.parts)
        if words is None:
            return False  # clips on their way: ClipsReady (or the poll) wakes us
        if not words:
            self._finish(now)  # nothing sayable: the chime alone, reported as a fault
            return True
        again = self._said_again(current.call, current.parts, words)
        current.reps = [words] + [silence(REPEAT_GAP_S) + again] * (current.repeats - 1)
        current.rep = 0
        current.ends = now + self._speaker.play(WORDS, words, current.volume)
        return False

    def _said_again(self, call: CallEvent, parts: list[Spoken], words: bytes) -> bytes:
        """A repetition's words: the first round's without the apology (its clips are
        among the first round's, so they are there)."""
        plain = spoken_parts(self._config, call, again=True)
        return words if plain == parts else (join_words(self._clips, plain) or words)

    def next_change(self, now: float) -> float:
        """When the announcer next needs a tick (monotonic seconds), or ``inf``."""
        current = self._current
        if current is None:
            if self._queue and not self._speaker.ready:
                return self._queue[0][1] + MAX_WAIT_S
            return now if self._queue else math.inf
        if current.rep < 0:
            return current.words_at if now < current.words_at else now + CLIP_POLL_S
        return current.ends

    def whole_announcement(self, call: CallEvent) -> bytes:
        """The announcement as it would be played (chime, each language, each repetition),
        synthesising whatever is missing here and now: for ``callboard say``."""
        parts = spoken_parts(self._config, call)
        for part in parts:
            for token in part.tokens:
                self._clips.synthesize_now(part.language, token)
        words = join_words(self._clips, parts) or b""
        again = self._said_again(call, parts, words) if words else b""
        body = (
            silence(REPEAT_GAP_S).join([words] + [again] * (self._audio.repeat - 1))
            if words
            else b""
        )
        if not self._chime:
            return body
        return mix(self._chime, body, WORDS_AFTER_S) if body else self._chime
