"""Sound as plain 16-bit mono PCM at one rate: what espeak-ng writes, the mixer plays and
the cache keeps. Small helpers, standard library only."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path

RATE = 22050  # espeak-ng's own rate: no resampling anywhere
SAMPLE_BYTES = 2


class PcmError(ValueError):
    """A WAV file that is not what the player needs."""


def samples(pcm: bytes) -> array:
    out = array("h")
    out.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    return out


def duration(pcm: bytes) -> float:
    return len(pcm) / (RATE * SAMPLE_BYTES)


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * SAMPLE_BYTES)


def read_wav(path: Path) -> bytes:
    """The PCM of a mono 16-bit WAV at ``RATE``."""
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
            if shape != (1, SAMPLE_BYTES, RATE):
                raise PcmError(f"{path.name}: {shape} is not mono 16-bit at {RATE} Hz")
            return wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise PcmError(f"{path.name}: not a WAV file ({exc})") from None


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_BYTES)
        wav.setframerate(RATE)
        wav.writeframes(pcm)


def trim(pcm: bytes, threshold: int = 300, keep_s: float = 0.02) -> bytes:
    """Cut the silence speech synthesis leaves around a clip, keeping a soft edge."""
    data = samples(pcm)
    loud = [i for i in range(0, len(data), 32) if abs(data[i]) > threshold]
    if not loud:
        return b""
    keep = int(RATE * keep_s)
    start = max(0, loud[0] - keep)
    end = min(len(data), loud[-1] + 32 + keep)
    return data[start:end].tobytes()


def scale(pcm: bytes, gain: float) -> bytes:
    if gain >= 0.999:
        return pcm
    data = samples(pcm)
    return array("h", (int(s * gain) for s in data)).tobytes()


def normalise(pcm: bytes, peak_db: float = -3.0) -> bytes:
    """Bring a clip's peak down to ``peak_db`` (never up: quiet words stay quiet)."""
    data = samples(pcm)
    peak = max((abs(s) for s in data), default=0)
    limit = 32767 * 10 ** (peak_db / 20)
    return scale(pcm, limit / peak) if peak > limit else pcm


def rms_dbfs(pcm: bytes) -> float:
    """Loudness as RMS in dB below full scale (-inf for silence)."""
    data = samples(pcm)
    if not data:
        return -math.inf
    mean = sum(s * s for s in data) / len(data)
    return 20 * math.log10(math.sqrt(mean) / 32768) if mean else -math.inf


def peak_dbfs(pcm: bytes) -> float:
    data = samples(pcm)
    peak = max((abs(s) for s in data), default=0)
    return 20 * math.log10(peak / 32768) if peak else -math.inf
