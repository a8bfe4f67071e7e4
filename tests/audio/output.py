"""What reached the audio output, read back from SDL's disk driver.

With ``SDL_AUDIODRIVER=disk`` SDL writes every buffer it would have sent to the sound card
to ``SDL_DISKAUDIOFILE``, silence included, at the device's pace: the file is the output's
timeline, one 16-bit mono sample at a time from the moment the mixer opened. SDL_mixer
starts a sound at the start of a mixing buffer and mixes exactly (a clip at volume v adds
``trunc(sample * round(v * 128) / 128)``), so a clip can be found, and taken away, exactly.
"""

from __future__ import annotations

import math
import time
from array import array
from pathlib import Path

from audio.pcm import RATE, samples
from audio.player import Player

BUFFER = 512  # samples per mixing buffer (audio.player opens the mixer with 512)
STDIO_LAG = 2048  # SDL writes the file through stdio: it grows in 4096-byte pieces


def rms_db(values: array | list[int]) -> float:
    if not values:
        return -math.inf
    mean = sum(v * v for v in values) / len(values)
    return 20 * math.log10(math.sqrt(mean) / 32768) if mean else -math.inf


def scaled(pcm: bytes, volume: float) -> list[int]:
    """A clip as SDL_mixer adds it at ``volume``."""
    level = int(volume * 128)
    return [int(s * level / 128) for s in samples(pcm)]


class Capture:
    """The disk driver's file, read back as samples."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def written(self) -> int:
        """Samples the output has played so far."""
        return self.path.stat().st_size // 2 if self.path.exists() else 0

    def wait(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.written < count:
            assert time.monotonic() < deadline, f"the output stopped at {self.written} samples"
            time.sleep(0.02)

    def read(self) -> array:
        return samples(self.path.read_bytes())


def use_disk_driver(monkeypatch, path: Path) -> Capture:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(path))
    return Capture(path)


class CapturePlayer(Player):
    """The real player, noting for each clip how much the output had played when it
    was started: the clip is at one of the next buffers' starts."""

    def __init__(self, capture: Capture, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.capture = capture
        self.clips: list[tuple[int, bytes, float, int]] = []  # channel, pcm, volume, written

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        written = self.capture.written
        length = super().play(channel, pcm, volume)
        self.clips.append((channel, pcm, volume, written))
        return length


def locate(
    out: array, clip: list[int], written: int, buffers: int = 4 + STDIO_LAG // BUFFER
) -> int:
    """Where ``clip`` starts in ``out``: the buffer start after ``written`` where taking it
    away leaves the least (the music and the noise under it)."""
    first = -(-written // BUFFER) * BUFFER

    def left(start: int) -> float:
        window = out[start : start + len(clip)]
        return sum(abs(o - c) for o, c in zip(window, clip, strict=False)) / max(1, len(window))

    return min((first + k * BUFFER for k in range(buffers + 1)), key=left)


def without(out: array, clips: list[tuple[int, list[int]]]) -> array:
    """The output with each (start, clip) taken away: what played under them."""
    rest = array("h", out)
    for start, clip in clips:
        for i, value in enumerate(clip[: len(rest) - start]):
            rest[start + i] -= value
    return rest


def block_levels(values: array, size: int = BUFFER) -> list[float]:
    """RMS per block (linear, of full scale)."""
    out = []
    for start in range(0, len(values) - size + 1, size):
        block = values[start : start + size]
        out.append(math.sqrt(sum(v * v for v in block) / size) / 32768)
    return out


def seconds(count: int) -> float:
    return count / RATE
