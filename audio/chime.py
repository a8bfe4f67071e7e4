"""The chime before each call, made by code: two soft bell notes, a falling third.

Each note is a sine with a few inharmonic partials (as a small bell has) under an
exponential decay, with a short fade-in so it never clicks. It is short (about a quarter
of a second before the words may start) so a busy lobby is not chimed at all day.
"""

from __future__ import annotations

import math
from array import array

from audio.pcm import RATE

NOTES = ((659.25, 0.0), (523.25, 0.13))  # E5 then C5, seconds after the start
PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12), (4.2, 0.05))
DECAY_S = 0.11  # time constant of the ring
LENGTH_S = 0.55  # the tail of the second note, under the first words
WORDS_AFTER_S = 0.24  # the words may start while the second note rings out
PEAK = 0.5  # of full scale: soft


def chime_pcm() -> bytes:
    """The chime as 16-bit mono PCM at ``RATE``."""
    count = int(RATE * LENGTH_S)
    mix = [0.0] * count
    norm = sum(weight for _, weight in PARTIALS)
    for frequency, start in NOTES:
        first = int(start * RATE)
        for n in range(count - first):
            t = n / RATE
            envelope = math.exp(-t / DECAY_S) * min(1.0, t / 0.004)
            tone = sum(w * math.sin(2 * math.pi * frequency * p * t) for p, w in PARTIALS)
            mix[first + n] += envelope * tone / norm
    top = max(abs(v) for v in mix) or 1.0
    return array("h", (int(v / top * PEAK * 32767) for v in mix)).tobytes()
