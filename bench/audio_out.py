"""What reaches the audio output, and what keeping it awake and playing music cost.

SDL's disk driver writes every buffer the mixer plays to a file at the device's pace, so
the file is the output's timeline. A thread notes when the file grows (it grows in 4096-byte
pieces, stdio's buffer: at each growth the output has just played that many samples), which
dates every sample of the output on the wall clock to a few milliseconds.

1. Call event -> the first audible sample (above -50 dBFS) at the mixer's output, through
   the real announcer and player: kept awake (the default), kept awake with a 0.6 s
   lead-in after silence, and released when idle (keep_awake = false) with the lead-in: the
   device is opened again for the call.
2. CPU of the whole process for 10 s each: the mixer closed, open and silent (keep-awake),
   with wake noise, and with music playing (Ogg Vorbis 44.1 kHz stereo, decoded and
   resampled in SDL_mixer's thread); the time to open a music file (the main thread's cost
   at each track change).
3. With --record FILE.wav: 4 s of music, a call (the example's A023 to counter 3, said
   twice) and 3 s after, as the output played them, for sox and a spectrogram.

    .venv/bin/python bench/audio_out.py [--trials 6] [--record out.wav]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ["SDL_AUDIODRIVER"] = "disk"

import pygame

from audio.announcer import Announcer, spoken_parts
from audio.pcm import RATE, samples, write_wav
from audio.player import Player
from bench.common import percentile
from config import EXAMPLE, load_config
from config.settings import AudioSettings, Config
from lobby.contract import CallEvent, parse_call
from screen.voice import clip_library

AUDIBLE = 105  # -50 dBFS


def call(i: int) -> CallEvent:
    return parse_call(
        json.dumps(
            {
                "v": 1,
                "id": f"o-{i}",
                "ticket": "A023",
                "counter": "3",
                "service": "general",
                "kind": "call",
                "ts": "2026-11-25T10:00:00+08:00",
            }
        ).encode()
    )


class OutputClock:
    """Dates the output's samples: when the file reached each size (reset when the device
    is opened again and the file starts afresh)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.marks: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        last = -1
        while not self._stop.is_set():
            size = self.path.stat().st_size // 2 if self.path.exists() else 0
            if size != last:
                if size < last:
                    self.marks = []
                self.marks.append((time.monotonic(), size))
                last = size
            time.sleep(0.0005)

    def when(self, sample: int) -> float:
        """The monotonic time the output played ``sample``."""
        before = [(t, n) for t, n in self.marks if n <= sample]
        t, n = before[-1]
        return t + (sample - n) / RATE

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def ready_library(config: Config):  # type: ignore[no-untyped-def]
    """The configured voices, with the bench's call already synthesised."""
    library = clip_library(config, cache=False)
    for part in spoken_parts(config, call(0)):
        for token in part.tokens:
            library.synthesize_now(part.language, token)
    library.start()
    return library


def drive(announcer: Announcer, player: Player, seconds: float) -> None:
    end = time.monotonic() + seconds
    while (now := time.monotonic()) < end:
        announcer.tick(now, "10:00")
        player.tick(now, 0.8)
        due = min(announcer.next_change(now), player.next_change(now), now + 0.05)
        time.sleep(max(0.001, min(0.01, due - now)))


def first_audible(path: Path, after: int) -> int:
    out = samples(path.read_bytes())
    return next(i for i in range(after, len(out)) if abs(out[i]) > AUDIBLE)


def event_to_output(config: Config, trials: int, work: Path) -> None:
    library = ready_library(config)
    modes = {
        "kept awake (default)": (AudioSettings(), 10.0),
        "kept awake, lead_in_s = 0.6 after 2 s of silence": (AudioSettings(lead_in_s=0.6), 10.0),
        "keep_awake = false (released), lead_in_s = 0.6": (
            AudioSettings(keep_awake=False, lead_in_s=0.6),
            1.0,
        ),
    }
    print(f"call event -> first audible sample at the mixer's output, {trials} calls each:")
    for name, (audio, release_after) in modes.items():
        out = work / "latency.raw"
        os.environ["SDL_DISKAUDIOFILE"] = str(out)
        audio = dataclasses.replace(audio, volume=config.audio.volume)
        once = dataclasses.replace(config, audio=dataclasses.replace(config.audio, repeat=1))
        player = Player(audio, release_after_s=release_after)
        assert player.open(), player.fault
        clock = OutputClock(out)
        announcer = Announcer(once, library, player)
        delays = []
        for i in range(trials):
            drive(announcer, player, 2.5)  # silence: the lead-in's condition, or released
            played = out.stat().st_size // 2 if out.exists() else 0  # the output is past this
            sent = time.monotonic()
            announcer.announce(call(i), sent)
            drive(announcer, player, 1.0)
            played = 0 if out.stat().st_size // 2 < played else played  # opened afresh
            delays.append((clock.when(first_audible(out, played)) - sent) * 1000)
            drive(announcer, player, 9.0 if i + 1 < trials else 0.0)  # let it finish
        clock.stop()
        player.close()
        print(f"  {name:50} p50 {percentile(delays, 0.5):6.1f} ms   max {max(delays):6.1f} ms")
    library.close()


def cpu_for(seconds: float) -> float:
    """Percent of one core the whole process used over ``seconds`` of sleeping."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    started, wall = usage.ru_utime + usage.ru_stime, time.monotonic()
    time.sleep(seconds)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime - started) / (time.monotonic() - wall) * 100


def make_music(folder: Path) -> Path:
    """A 30 s tune of plucked chords (sox), as an Ogg Vorbis file at 44.1 kHz stereo."""
    folder.mkdir(exist_ok=True)
    path = folder / "tune.ogg"
    chords = [("C4", "E4", "G4"), ("A3", "C4", "E4"), ("F3", "A3", "C4"), ("G3", "B3", "D4")]
    parts = []
    for n, chord in enumerate(chords * 4):
        part = folder / f"part{n:02d}.wav"
        notes = [w for note in chord for w in ("pluck", note)]
        shape = ["-r", "44100", "-c", "2"]
        subprocess.run(
            ["sox", "-n", *shape, str(part), "synth", "1.875", *notes, "vol", "0.5"], check=True
        )
        parts.append(str(part))
    subprocess.run(["sox", *parts, str(path)], check=True)
    for part in parts:
        os.remove(part)
    return path


def costs(work: Path) -> None:
    os.environ["SDL_DISKAUDIOFILE"] = str(work / "costs.raw")
    tune = make_music(work / "music")
    flac = work / "tune.flac"
    subprocess.run(["sox", str(tune), str(flac)], check=True)
    print("CPU of the whole process, 10 s each (SDL's disk driver):")
    print(f"  mixer closed:                      {cpu_for(10):5.2f} % of one core")
    for name, audio in (
        ("open, silent (keep-awake)", AudioSettings()),
        ("open, wake noise", AudioSettings(wake_noise=True)),
        ("music playing (ogg 44.1k stereo)", AudioSettings(music=tune.parent)),
    ):
        player = Player(audio)
        assert player.open(), player.fault
        player.tick(time.monotonic(), 0.8)
        assert audio.music is None or pygame.mixer.music.get_busy()
        print(f"  {name + ':':34} {cpu_for(10):5.2f} % of one core")
        player.close()
    player = Player(AudioSettings())
    player.open()
    for path in (tune, flac):
        times = []
        for _ in range(20):
            started = time.perf_counter()
            pygame.mixer.music.load(str(path))
            times.append((time.perf_counter() - started) * 1000)
            pygame.mixer.music.unload()
        what = f"opening a music file ({path.suffix[1:]}, 30 s):"
        print(f"  {what:34} {statistics.median(times):5.2f} ms (median)")
    player.close()


def record(config: Config, target: Path, work: Path) -> None:
    out = work / "record.raw"
    os.environ["SDL_DISKAUDIOFILE"] = str(out)
    music = make_music(work / "music").parent
    audio = dataclasses.replace(config.audio, music=music, quiet=())
    config = dataclasses.replace(config, audio=audio)
    library = ready_library(config)
    player = Player(audio)
    assert player.open(), player.fault
    announcer = Announcer(config, library, player)
    drive(announcer, player, 4.0)
    announcer.announce(call(1), time.monotonic())
    while announcer.busy or announcer.backlog:
        drive(announcer, player, 0.5)
    drive(announcer, player, 3.0)
    player.close()
    library.close()
    write_wav(target, out.read_bytes())
    print(f"recorded {len(out.read_bytes()) / 2 / RATE:.1f} s of the output to {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--record", type=Path, help="also record music and a call to this WAV")
    args = parser.parse_args()
    config = load_config(EXAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        event_to_output(config, args.trials, work)
        costs(work)
        if args.record:
            record(config, args.record, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
