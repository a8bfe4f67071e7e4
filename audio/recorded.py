"""A recorded clip made fit for the lobby: read from any WAV, trimmed, loudness-matched, and
joined to its neighbours without a click.

Staff record on different days, with different microphones, closer or farther, in 44.1 or
48 kHz stereo as often as not. So every clip is brought to the player's format (sox
converts what is not mono 16-bit PCM at ``RATE``), cut to its speech with a short soft edge
(a click of the record button before the word is not speech), and brought to one loudness,
that of the synthesised voice, so a pack and its fallback sound alike. Standard library
only: the sums run over a few seconds of audio, at start, once.
"""

from __future__ import annotations

import math
import operator
import shutil
import struct
import subprocess
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from audio.pcm import RATE, SAMPLE_BYTES, samples

WINDOW_S = 0.01  # loudness is measured in 10 ms windows
LEAD_S = 0.02  # kept before the first speech: a soft onset
TAIL_S = 0.04  # kept after the last: word endings (an "s", a falling tone) fade slowly
FADE_S = 0.008  # raised-cosine fades at both cut ends, so no clip starts or stops on a step
CROSSFADE_S = 0.015  # recorded clips of one language overlap this much, equal-power
MERGE_GAP_S = 0.12  # speech separated by less is one utterance (a plosive's burst, a pause)
MIN_SPEECH_S = 0.03  # shorter than this, alone, is a click, not speech
TARGET_DBFS = -19.0  # gated loudness of every clip: the middle of espeak-ng's (-16 to -21)
PEAK_LIMIT_DBFS = -1.0  # a clip is never raised past this peak
FULL_SCALE = 32767
SOX_TIMEOUT_S = 20.0
MAX_SECONDS = 30.0  # a file longer than this is not a clip (a whole session left in)


class RecordingError(ValueError):
    """A file that cannot be used as a clip; the message says why, in a few words."""


@dataclass(frozen=True)
class WavFormat:
    """What a WAV file holds, as its header says."""

    rate: int
    channels: int
    bits: int
    float_samples: bool
    seconds: float

    @property
    def native(self) -> bool:
        """Already what the player plays: no conversion needed."""
        return (self.rate, self.channels, self.bits, self.float_samples) == (RATE, 1, 16, False)

    def describe(self) -> str:
        kind = "float" if self.float_samples else "bit"
        channels = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} channels")
        return f"{self.rate} Hz {channels} {self.bits}-{kind}"


def wav_format(path: Path) -> WavFormat:
    """The format in a WAV file's header (RIFF ``fmt `` and ``data`` chunks)."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                raise RecordingError("not a WAV file")
            fmt: tuple[int, int, int, int] | None = None
            while True:
                chunk = file.read(8)
                if len(chunk) < 8:
                    raise RecordingError("a WAV file cut short (no sound data)")
                kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if kind == b"fmt ":
                    body = file.read(size + size % 2)
                    if len(body) < 16:
                        raise RecordingError("a WAV file with a broken header")
                    tag, channels, rate = struct.unpack("<HHI", body[:8])
                    bits = struct.unpack("<H", body[14:16])[0]
                    if tag == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE
                        tag = struct.unpack("<H", body[24:26])[0]
                    fmt = (tag, channels, rate, bits)
                elif kind == b"data":
                    break
                else:
                    file.seek(size + size % 2, 1)
    except OSError as exc:
        raise RecordingError(f"cannot be read ({exc.strerror})") from None
    if fmt is None:
        raise RecordingError("a WAV file with no format chunk")
    tag, channels, rate, bits = fmt
    if tag not in (1, 3) or not channels or not rate or bits not in (8, 16, 24, 32, 64):
        raise RecordingError(f"a WAV file in a coding other than PCM (format {tag:#x})")
    frame = channels * (bits // 8)
    return WavFormat(rate, channels, bits, tag == 3, size / frame / rate)


def read_recording(path: Path) -> tuple[bytes, WavFormat]:
    """A WAV file as mono 16-bit PCM at ``RATE`` (through sox when it is anything else)."""
    form = wav_format(path)
    if form.seconds > MAX_SECONDS:
        raise RecordingError(f"{form.seconds:.0f} s long: a clip is one word or phrase")
    if form.native:
        try:
            with wave.open(str(path), "rb") as wav:
                return wav.readframes(wav.getnframes()), form
        except (wave.Error, EOFError):
            pass  # an extensible header Python's wave does not take: sox reads it
    return _converted(path, form), form


def _converted(path: Path, form: WavFormat) -> bytes:
    sox = shutil.which("sox")
    if sox is None:
        raise RecordingError(
            f"{form.describe()}: needs sox to convert (sudo apt install sox), "
            f"or save it as mono 16-bit {RATE} Hz"
        )
    command = [sox, "-V1", str(path), "-t", "raw", "-e", "signed-integer", "-b", "16"]
    command += ["-c", "1", "-r", str(RATE), "-"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=SOX_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise RecordingError(f"sox took over {SOX_TIMEOUT_S:.0f} s to convert it") from None
    if result.returncode != 0:
        said = result.stderr.decode(errors="replace").strip().splitlines()
        raise RecordingError(f"sox cannot read it ({said[-1] if said else result.returncode})")
    return result.stdout[: len(result.stdout) - len(result.stdout) % SAMPLE_BYTES]


def db(power: float) -> float:
    """A mean square (of samples scaled to full scale 1) in dB; -inf for none."""
    return 10 * math.log10(power) if power > 0 else -math.inf


def window_powers(data: array, width: int) -> list[float]:
    """Mean square of each window, full scale 1."""
    scale = float(FULL_SCALE * FULL_SCALE * width)
    out = []
    for start in range(0, len(data) - width + 1, width):
        window = data[start : start + width]
        out.append(sum(map(operator.mul, window, window)) / scale)
    return out


def loudness_dbfs(pcm: bytes) -> float:
    """Gated loudness: the mean power of the windows within 10 dB of the louder part, as
    EBU R128 gates (without its K-weighting): pauses and breath do not lower it."""
    powers = [p for p in window_powers(samples(pcm), int(RATE * 0.05)) if db(p) > -70]
    if not powers:
        return -math.inf
    gate = sum(powers) / len(powers) / 10
    kept = [p for p in powers if p >= gate]
    return db(sum(kept) / len(kept))


@dataclass(frozen=True)
class Measured:
    """A clip as recorded: where its speech is, how loud, and what is wrong with it."""

    speech: tuple[int, int]
    """First and last sample of the speech (after the soft edges are added)."""
    peak_dbfs: float
    loudness_dbfs: float
    noise_dbfs: float
    """The background: the level of the quietest tenth of the recording."""
    clipped: int
    """Places where the recording hit full scale (three samples or more in a row)."""

    @property
    def seconds(self) -> float:
        return (self.speech[1] - self.speech[0]) / RATE


def _speech_windows(powers: list[float]) -> tuple[int, int] | None:
    """The first and last window of speech: runs of loud windows, merged across short
    gaps; a short run on its own (a click, a knock) is not speech."""
    if not powers:
        return None
    levels = sorted(db(p) for p in powers)
    loudest, floor = levels[-1], levels[len(levels) // 10]
    if loudest == -math.inf:
        return None
    threshold = min(max(loudest - 40, floor + 10), loudest - 20)
    runs: list[list[int]] = []
    for i, power in enumerate(powers):
        if db(power) <= threshold:
            continue
        if runs and i - runs[-1][1] <= MERGE_GAP_S / WINDOW_S:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    speech = [r for r in runs if (r[1] - r[0] + 1) * WINDOW_S >= MIN_SPEECH_S]
    if not speech:
        return None
    return speech[0][0], speech[-1][1]


def _clipped_places(data: array) -> int:
    if not data or (max(data) < FULL_SCALE - 1 and min(data) > -FULL_SCALE):
        return 0  # the usual case, at C speed
    places, run = 0, 0
    for value in data:
        if value >= FULL_SCALE - 1 or value <= -FULL_SCALE:
            run += 1
            if run == 3:
                places += 1
        else:
            run = 0
    return places


def measure(pcm: bytes) -> Measured | None:
    """Where the speech is and how it sounds; None when there is none (silence)."""
    data = samples(pcm)
    width = int(RATE * WINDOW_S)
    powers = window_powers(data, width)
    found = _speech_windows(powers)
    if found is None:
        return None
    first, last = found
    start = max(0, first * width - int(RATE * LEAD_S))
    end = min(len(data), (last + 1) * width + int(RATE * TAIL_S))
    # the room: the quietest tenth of the file (its pauses; a click is too short to count)
    noise = db(sorted(powers)[len(powers) // 10])
    speech = data[start:end].tobytes()
    kept = data[start:end]
    peak = max(max(kept), -min(kept)) if kept else 0
    return Measured(
        speech=(start, end),
        peak_dbfs=20 * math.log10(peak / 32768) if peak else -math.inf,
        loudness_dbfs=loudness_dbfs(speech),
        noise_dbfs=noise,
        clipped=_clipped_places(kept),
    )


def faded(data: array, seconds: float = FADE_S) -> array:
    """Raised-cosine fade-in and fade-out at the ends: a cut never starts on a step."""
    out = array("h", data)
    n = min(int(RATE * seconds), len(out) // 2)
    for i in range(n):
        weight = 0.5 - 0.5 * math.cos(math.pi * i / n)
        out[i] = int(out[i] * weight)
        out[-1 - i] = int(out[-1 - i] * weight)
    return out


def prepared(pcm: bytes, found: Measured, target_dbfs: float = TARGET_DBFS) -> bytes:
    """The speech alone, with soft edges, at the target loudness (never past the peak
    limit); DC offset removed, as cheap microphones have one."""
    data = samples(pcm)[found.speech[0] : found.speech[1]]
    if not data:
        return b""
    offset = sum(data) / len(data)
    peak = max(max(data) - offset, offset - min(data))
    gain_db = target_dbfs - found.loudness_dbfs
    if peak > 0:  # never past the limit, so never clipped: no clamp per sample
        gain_db = min(gain_db, PEAK_LIMIT_DBFS - 20 * math.log10(peak / 32768))
    gain = 10 ** (gain_db / 20)
    # (v - offset) * gain, with the loops in C: a pack of 100 clips is read in a second
    scaled = map((-offset * gain).__add__, map(gain.__mul__, data))
    return faded(array("h", map(int, scaled))).tobytes()


def crossfaded(first: bytes, second: bytes, seconds: float = CROSSFADE_S) -> bytes:
    """``second`` laid over the end of ``first``: an equal-power crossfade, no gap, no step."""
    a, b = samples(first), samples(second)
    n = min(int(RATE * seconds), len(a), len(b))
    out = array("h", a[: len(a) - n])
    for i in range(n):
        angle = math.pi / 2 * (i + 0.5) / n
        mixed = a[len(a) - n + i] * math.cos(angle) + b[i] * math.sin(angle)
        out.append(max(-32768, min(32767, round(mixed))))
    out.extend(b[n:])
    return out.tobytes()


def joined(pieces: list[bytes], recorded: list[bool], gap: bytes) -> bytes:
    """One language's clips in a row: two recorded clips crossfade into each other (a
    person's speech runs on); next to a synthesised one, ``gap`` is left, as speech
    synthesis spaces its words (the recorded clip's faded edge meets silence, no step)."""
    out = pieces[0] if pieces else b""
    for i in range(1, len(pieces)):
        if recorded[i - 1] and recorded[i]:
            out = crossfaded(out, pieces[i])
        else:
            out = out + gap + pieces[i]
    return out
