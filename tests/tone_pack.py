"""Voice packs the tests make: a pure tone of its own frequency per clip, so what is heard
can be traced back to the clip that said it (and espeak-ng at another pitch, for speech).

Tones are recorded as staff would record words: with silence before and after, each at a
different level, some at 44.1 kHz stereo 24-bit; ``heard`` finds them again in the output.
"""

from __future__ import annotations

import math
import random
import subprocess
import wave
from array import array
from collections.abc import Iterable
from pathlib import Path

from audio.pcm import RATE, samples
from audio.recorded import db, window_powers
from audio.voicepack import ClipSpec


def frequency_of(index: int) -> float:
    """Tones 40 Hz apart from 300 Hz: told apart by a 0.2 s Goertzel window with room."""
    return 300.0 + 40.0 * index


def write_tone(
    path: Path,
    frequency: float,
    seconds: float = 0.3,
    peak_dbfs: float = -12.0,
    lead_s: float = 0.4,
    tail_s: float = 0.4,
    rate: int = RATE,
    channels: int = 1,
    width: int = 2,
    fade_s: float = 0.005,
    phase: float = 0.0,
    extra: list[float] | None = None,
) -> None:
    """A tone with silence around it (soft onsets, as a voice starts), as a WAV file."""
    amplitude = 10 ** (peak_dbfs / 20)
    count, fade = int(rate * seconds), int(rate * fade_s)
    body = []
    for n in range(count):
        envelope = min(1.0, n / fade, (count - 1 - n) / fade) if fade else 1.0
        body.append(amplitude * envelope * math.sin(2 * math.pi * frequency * n / rate + phase))
    signal = [0.0] * int(rate * lead_s) + body + [0.0] * int(rate * tail_s)
    if extra is not None:  # noise or a click, added sample by sample
        signal = [s + e for s, e in zip(signal, extra + [0.0] * len(signal), strict=False)]
    write_wav(path, signal, rate, channels, width)


def write_wav(path: Path, signal: list[float], rate: int, channels: int = 1, width: int = 2):
    full = 2 ** (8 * width - 1) - 1
    frames = bytearray()
    for value in signal:
        level = max(-full - 1, min(full, round(value * full)))
        frames += level.to_bytes(width, "little", signed=True) * channels
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))


def make_pack(
    folder: Path, specs: Iterable[ClipSpec], seed: int = 14, skip: Iterable[str] = ()
) -> dict[str, float]:
    """A tone per clip, at levels from -34 to -6 dBFS peak, with 0.2-0.8 s of silence
    before; every third at 44.1 kHz stereo 24-bit. The frequency of each clip by name."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tones = {}
    for index, spec in enumerate(specs):
        tones[spec.name] = frequency_of(index)
        if spec.name in skip:
            continue
        studio = index % 3 == 2
        write_tone(
            folder / f"{spec.name}.wav",
            frequency_of(index),
            peak_dbfs=rng.uniform(-34, -6),
            lead_s=rng.uniform(0.2, 0.8),
            rate=44100 if studio else RATE,
            channels=2 if studio else 1,
            width=3 if studio else 2,
        )
    return tones


def espeak_pack(folder: Path, specs: Iterable[ClipSpec], voices: dict[str, str]) -> None:
    """Clips of real speech, at a pitch espeak-ng's defaults never use (-p 90)."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                voices[spec.language],
                "-p",
                "90",
                "-w",
                str(folder / f"{spec.name}.wav"),
                "--",
                spec.text,
            ],
            check=True,
            timeout=30,
        )


def segments(pcm: bytes, floor_dbfs: float = -45.0) -> list[tuple[int, int]]:
    """Where there is sound: (first, last+1) samples of each run of 5 ms windows above the
    floor, in order."""
    width = RATE // 200
    runs: list[tuple[int, int]] = []
    start = None
    powers = window_powers(samples(pcm), width)
    for i, power in enumerate([*powers, 0.0]):
        if db(power) > floor_dbfs and start is None:
            start = i
        elif db(power) <= floor_dbfs and start is not None:
            runs.append((start * width, i * width))
            start = None
    return runs


def goertzel(data: array | list[int], frequency: float) -> float:
    """Power of one frequency in a stretch of samples."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / RATE)
    s1 = s2 = 0.0
    for value in data:
        s1, s2 = value + coefficient * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coefficient * s1 * s2


def tone_in(pcm: bytes, span: tuple[int, int], tones: dict[str, float]) -> tuple[str, float]:
    """The clip whose tone sounds in a span, and how pure it is (1.0: that tone alone)."""
    data = samples(pcm)[span[0] : span[1]]
    middle = data[len(data) // 4 : len(data) * 3 // 4]
    powers = {name: goertzel(middle, frequency) for name, frequency in tones.items()}
    best = max(powers, key=powers.__getitem__)
    energy = sum(v * v for v in middle) * len(middle) / 2
    return best, powers[best] / energy if energy else 0.0


# The clips that say A023 to counter 3 in Mandarin, in the order they are heard.
A023_ZH_CLIPS = [
    "zh-phrase-请",
    "zh-letter-A",
    "zh-digit-0",
    "zh-digit-2",
    "zh-digit-3",
    "zh-phrase-号客户到",
    "zh-counter-3",
    "zh-phrase-办理业务",
]
