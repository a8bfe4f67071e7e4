"""What the voice costs, how long it speaks, what it says, and how soon it speaks.

0. How long the lobby listens (the example config, its engine and voices): one round
   (chime, Mandarin, English once) and the whole announcement (said twice) for A023 to
   counter 3, and the longest round over every counter; and what the Mandarin says, as
   espeak-ng's phonemes of each clip's text (a language switch would show as "(en)").
1. Synthesis time per announcement (chime excluded): cold (every clip synthesised by
   pyttsx3's worker, as on a first call with an empty cache) and cached (clips in memory:
   only joining them).
2. Event-to-chime and event-to-words latency, p50 and p99: calls are put on a queue by
   another thread (as paho's thread does), a loop shaped like the daemon's takes them,
   and the real pygame.mixer (SDL's dummy audio driver here) starts the chime and then
   the words. Each announcement is cut short once its words have started so that many
   calls fit in a minute; the latency to each start is what is measured.
3. A recorded voice pack (espeak-ng's clips saved as files, with silence around them): one
   round said from it against synthesis, and the time to read a pack of about 100 clips.

    .venv/bin/python bench/voice.py [--calls 50]
"""

from __future__ import annotations

# isort: off
import _path  # noqa: F401 - first: the repository on sys.path, this folder off it
# isort: on

import argparse
import dataclasses
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio.announcer import Announcer, join_words, spoken_parts  # noqa: E402
from audio.clips import ClipLibrary  # noqa: E402
from audio.pcm import duration  # noqa: E402
from audio.player import CHIME, WORDS, Player  # noqa: E402
from audio.reading import phonemes, said_as, switches  # noqa: E402
from audio.tts import Pyttsx3Worker  # noqa: E402
from audio.voicepack import clip_specs, load_pack  # noqa: E402
from bench.common import percentile  # noqa: E402
from config import EXAMPLE, load_config  # noqa: E402
from config.names import Names  # noqa: E402
from lobby.contract import CallEvent, parse_call  # noqa: E402
from screen.voice import clip_library, needed_tokens, voices  # noqa: E402


def call(i: int, counter: str | None = None) -> CallEvent:
    return parse_call(
        json.dumps(
            {
                "v": 1,
                "id": f"v-{i}",
                "ticket": f"A{i % 1000:03d}",
                "counter": counter or str(1 + i % 6),
                "service": "general",
                "kind": "call",
                "ts": "2026-11-25T10:00:00+08:00",
            }
        ).encode()
    )


class TimedPlayer(Player):
    """The real player, noting when each channel started; words are cut to 0.3 s."""

    def __init__(self) -> None:
        super().__init__()
        self.started: dict[int, float] = {}

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        length = super().play(channel, pcm, volume)
        self.started[channel] = time.perf_counter()
        return min(length, 0.3) if channel == WORDS else length


def how_long_and_what(config) -> None:  # type: ignore[no-untyped-def]
    library = clip_library(config, cache=False)  # the configured engine and voices
    once = dataclasses.replace(config, audio=dataclasses.replace(config.audio, repeat=1))
    try:
        rounds = {
            counter.id: duration(
                Announcer(once, library, Player()).whole_announcement(call(23, counter.id))
            )
            for counter in config.counters
        }
        whole = duration(Announcer(config, library, Player()).whole_announcement(call(23, "3")))
        parts = {
            part.language: duration(join_words(library, [part]))
            for part in spoken_parts(config, call(23, "3"))
        }
    finally:
        library.close()
    rates = ", ".join(f"{lang} {config.audio.rate_for(lang)}" for lang in config.audio.languages)
    longest = max(rounds, key=rounds.__getitem__)
    print(f"A023 to counter 3, engine {config.audio.engine}, rates {rates} (espeak-ng wpm):")
    print(f"  one round (chime, {' then '.join(parts)} once): {rounds['3']:5.2f} s", end="")
    print("  (" + ", ".join(f"{lang} {s:.2f} s" for lang, s in parts.items()) + ")")
    print(f"  whole announcement (said {config.audio.repeat} times):  {whole:5.2f} s")
    print(
        f"  longest round, counter {longest} ({config.counter(longest).spoken_name('en')}): "
        f"{rounds[longest]:5.2f} s"
    )
    for part in spoken_parts(config, call(23, "3")):
        voice = voices(config)[part.language]
        said = [phonemes(said_as(voice, token), voice) for token in part.tokens]
        switched = sorted({code for text in said for code in switches(text)}) or ["none"]
        print(f"  {part.language} as said by {voice} (language switches: {', '.join(switched)}):")
        print(f"    {' | '.join(text.replace('_|', '').strip() for text in said)}")


def rounds_per_language(config) -> None:  # type: ignore[no-untyped-def]
    """One round's words per language, alone (Mandarin, English and Cantonese, each at its
    configured or default voice and rate), and with the apology a long wait opens with; then
    the example's whole round (chime, Mandarin, English) with the apology."""
    audio = dataclasses.replace(
        config.audio, languages=("zh", "en", "yue"), repeat=1, chime=False, apology_after_s=900
    )
    every = dataclasses.replace(config, audio=audio)
    library = clip_library(every, cache=False)
    plain, sorry = call(23, "3"), dataclasses.replace(call(23, "3"), waited_s=1200)
    lines = []
    try:
        for language in audio.languages:
            alone = dataclasses.replace(
                every, audio=dataclasses.replace(audio, languages=(language,))
            )
            announcer = Announcer(alone, library, Player())
            lengths = [duration(announcer.whole_announcement(c)) for c in (plain, sorry)]
            voice = voices(every)[language]
            lines.append(
                f"  {language} ({voice}, {audio.rate_for(language)} wpm): {lengths[0]:5.2f} s"
                f"   with the apology: {lengths[1]:5.2f} s"
            )
        once = dataclasses.replace(
            config,
            audio=dataclasses.replace(config.audio, repeat=1, apology_after_s=900),
        )
        full = [
            duration(Announcer(once, library, Player()).whole_announcement(c))
            for c in (plain, sorry)
        ]
        whole = dataclasses.replace(
            config, audio=dataclasses.replace(config.audio, apology_after_s=900)
        )
        said = duration(Announcer(whole, library, Player()).whole_announcement(sorry))
    finally:
        library.close()
    print("one round's words per language, A023 to counter 3 (no chime):")
    print("\n".join(lines))
    print(
        f"  the example's round (chime, zh, en): {full[0]:5.2f} s; opening with the apology: "
        f"{full[1]:5.2f} s; the whole announcement with it (apology once): {said:5.2f} s"
    )


def synthesis_costs(config, work: Path) -> None:  # type: ignore[no-untyped-def]
    worker = Pyttsx3Worker()
    try:
        rates = {lang: config.audio.rate_for(lang) for lang in config.audio.languages}
        cold: list[float] = []
        for _i in range(5):
            library = ClipLibrary(lambda: [worker], voices(config), rates, None)
            started = time.perf_counter()
            for part in spoken_parts(config, call(100)):
                for token in part.tokens:
                    library.synthesize_now(part.language, token)
            join_words(library, spoken_parts(config, call(100)))
            cold.append((time.perf_counter() - started) * 1000)
        warm: list[float] = []
        for _i in range(200):
            started = time.perf_counter()
            words = join_words(library, spoken_parts(config, call(100)))
            warm.append((time.perf_counter() - started) * 1000)
            assert words
    finally:
        worker.close()
    print("synthesis per announcement (both languages, one round):")
    print(f"  cold, pyttsx3 worker, empty cache: median {statistics.median(cold):7.1f} ms")
    print(f"  cached clips, joined:              median {statistics.median(warm):7.2f} ms")


def latency(config, calls: int, work: Path) -> None:  # type: ignore[no-untyped-def]
    library = ClipLibrary(
        lambda: [Pyttsx3Worker()],
        voices(config),
        {lang: config.audio.rate_for(lang) for lang in config.audio.languages},
        work / "clips",
    )
    for language, tokens in needed_tokens(config).items():
        for token in sorted(tokens):
            library.synthesize_now(language, token)
    player = TimedPlayer()
    assert player.open(), player.fault
    announcer = Announcer(config, library, player)
    inbox: queue.SimpleQueue[tuple[CallEvent, float]] = queue.SimpleQueue()
    to_chime: list[float] = []
    to_words: list[float] = []

    def producer() -> None:
        for i in range(calls):
            inbox.put((call(i), time.perf_counter()))
            time.sleep(1.2)

    threading.Thread(target=producer, daemon=True).start()
    pending: tuple[str, float] | None = None
    while len(to_words) < calls:
        now = time.monotonic()
        try:
            event, sent = inbox.get(timeout=max(0.0, min(1.0, announcer.next_change(now) - now)))
            announcer.announce(event, time.monotonic())
            pending = (event.id, sent)
        except queue.Empty:
            pass
        player.started.clear()
        announcer.tick(time.monotonic(), "10:00")
        if pending and CHIME in player.started:
            to_chime.append((player.started[CHIME] - pending[1]) * 1000)
        if pending and WORDS in player.started and len(to_words) < len(to_chime):
            to_words.append((player.started[WORDS] - pending[1]) * 1000)
    player.close()
    library.close()
    print(f"latency from the call event, {calls} calls (mixer: {os.environ['SDL_AUDIODRIVER']}):")
    for name, values in (("chime", to_chime), ("words", to_words)):
        print(
            f"  to the {name}: p50 {percentile(values, 0.5):6.1f} ms   "
            f"p99 {percentile(values, 0.99):6.1f} ms"
        )


def record_pack(config, specs, folder: Path, studio: bool) -> None:  # type: ignore[no-untyped-def]
    """A pack as staff would hand it in: espeak-ng's clips (the configured voices and rates)
    with 0.3 s of silence around each, at 22050 Hz mono or as a studio's 44.1 kHz stereo."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        voice = voices(config).get(spec.language, spec.language)
        raw = folder / f"{spec.name}.raw.wav"
        rate = str(config.audio.rate_for(spec.language))
        text = said_as(voice, spec.text)
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", rate, "-w", str(raw), "--", text], check=True
        )
        shape = ["-r", "44100", "-c", "2", "-b", "24"] if studio else []
        subprocess.run(
            ["sox", str(raw), *shape, str(folder / f"{spec.name}.wav"), "pad", "0.3", "0.3"],
            check=True,
        )
        raw.unlink()


def voice_pack_figures(config, work: Path) -> None:  # type: ignore[no-untyped-def]
    """3. A recorded pack: one round said from it against synthesis, and how long reading a
    pack of about 100 clips takes at start (22050 Hz mono, and 44.1 kHz stereo 24-bit,
    which sox converts)."""
    specs = clip_specs(config, needed_tokens(config))
    record_pack(config, specs, work / "pack", studio=False)
    packed = dataclasses.replace(
        config, audio=dataclasses.replace(config.audio, voice_pack=work / "pack", repeat=1)
    )
    once = dataclasses.replace(config, audio=dataclasses.replace(config.audio, repeat=1))
    rounds = {}
    for name, setup in (("synthesis", once), ("pack", packed)):
        library = clip_library(setup, cache=False)
        try:
            pcm = Announcer(setup, library, Player()).whole_announcement(call(23, "3"))
            rounds[name] = duration(pcm)
        finally:
            library.close()
    print("a recorded pack of espeak-ng's own clips (same voices and rates), A023 to counter 3:")
    print(
        f"  one round from synthesis {rounds['synthesis']:.2f} s, from the pack "
        f"{rounds['pack']:.2f} s (trimmed clips, crossfaded)"
    )
    many = dataclasses.replace(
        config,
        counters=tuple(
            dataclasses.replace(config.counters[0], id=str(i), spoken=Names({}), name=Names({}))
            for i in range(1, 21)
        ),
        audio=dataclasses.replace(config.audio, reading={"zh": "whole", "en": "whole"}),
    )
    big = clip_specs(many, needed_tokens(many))
    for studio in (False, True):
        folder = work / ("studio" if studio else "native")
        record_pack(many, big, folder, studio)
        started = time.perf_counter()
        report = load_pack(folder, big)
        took = time.perf_counter() - started
        shape = "44.1 kHz stereo 24-bit (sox)" if studio else "22050 Hz mono 16-bit"
        print(
            f"  reading a pack of {len(report.usable())} clips, {shape}: {took:.2f} s "
            f"({took / len(big) * 1000:.1f} ms a clip)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    config = load_config(EXAMPLE)
    how_long_and_what(config)
    rounds_per_language(config)
    with tempfile.TemporaryDirectory() as work:
        synthesis_costs(config, Path(work))
        latency(config, args.calls, Path(work))
        voice_pack_figures(config, Path(work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
