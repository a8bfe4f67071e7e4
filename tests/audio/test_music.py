"""Background music under the calls, measured on the mixed output (SDL's disk driver).

The music here is a steady 2205 Hz tone made by sox (ten samples a period: a mixing buffer
holds fifty-odd periods of it), so its level per buffer is its gain. Each clip the
announcer played is found in the output to the sample and taken away; what is left is the
music as it played under the words, and its level before, under and after the
announcements is measured there.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import subprocess
import time
from pathlib import Path

import pygame
import pytest

from audio.announcer import Announcer, spoken_parts
from audio.clips import ClipLibrary
from audio.music import DUCK_DOWN_S, RESTORE_S
from audio.pcm import RATE
from audio.player import CHIME, Player
from audio.tts import EspeakNg
from config import EXAMPLE, load_config
from lobby.contract import CallEvent, parse_call
from screen.voice import voices
from tests.audio.output import (
    BUFFER,
    CapturePlayer,
    block_levels,
    locate,
    scaled,
    use_disk_driver,
    without,
)


def tone(path: Path, seconds: float = 4.0, frequency: int = 2205) -> Path:
    shape = ["-r", str(RATE), "-c", "1", "-b", "16"]
    synth = ["synth", str(seconds), "sine", str(frequency), "vol", "0.5"]
    subprocess.run(["sox", "-n", *shape, str(path), *synth], check=True)
    return path


def call(ticket: str) -> CallEvent:
    return parse_call(
        json.dumps(
            {
                "v": 1,
                "id": f"c-{ticket}",
                "ticket": ticket,
                "counter": "3",
                "service": "general",
                "kind": "call",
                "ts": "2026-11-25T10:00:00+08:00",
            }
        ).encode()
    )


@pytest.fixture(scope="module")
def config():
    """English only and short, at full volume (so every clip is mixed unscaled)."""
    config = load_config(EXAMPLE)
    audio = dataclasses.replace(
        config.audio,
        languages=("en",),
        volume=1.0,
        quiet=(),
        templates={"en": "{ticket}, {counter}."},
        rate={"en": 240},
    )
    return dataclasses.replace(config, audio=audio)


@pytest.fixture(scope="module")
def clips(config, tmp_path_factory) -> ClipLibrary:
    library = ClipLibrary(lambda: [EspeakNg()], voices(config), {"en": 240}, None)
    for ticket in ("A001", "A002"):
        for part in spoken_parts(config, call(ticket)):
            for token in part.tokens:
                assert library.synthesize_now(part.language, token) is not None, token
    return library


@pytest.fixture(autouse=True)
def _no_mixer_left_open():
    yield
    pygame.mixer.quit()


def with_music(config, folder: Path, **more):  # type: ignore[no-untyped-def]
    audio = dataclasses.replace(config.audio, music=folder, music_order="folder", **more)
    return dataclasses.replace(config, audio=audio)


def drive(announcer: Announcer, player: Player, seconds: float, arrivals: dict[float, CallEvent]):  # type: ignore[no-untyped-def]
    """The daemon loop's voice part, in real time; the monotonic time of each arrival."""
    start = time.monotonic()
    pending, arrived = dict(arrivals), {}
    while (now := time.monotonic()) < start + seconds:
        for at in [a for a in pending if start + a <= now]:
            announcer.announce(pending.pop(at), now)
            arrived[at] = now
        announcer.tick(now, "10:00")
        player.tick(now, 1.0)
        due = min(announcer.next_change(now), player.next_change(now), now + 0.05)
        time.sleep(max(0.002, min(0.02, due - now)))
    return start


@pytest.mark.slow
def test_music_is_ducked_under_every_call_and_back_after_without_a_click(
    monkeypatch, tmp_path, config, clips
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    tone(folder / "01-tone.wav", seconds=14.0)  # one track: no track change in the test
    capture = use_disk_driver(monkeypatch, tmp_path / "out.raw")
    config = with_music(config, folder)
    player = CapturePlayer(capture, config.audio)
    spoken: list[str] = []
    announcer = Announcer(config, clips, player, spoken.append)
    assert player.open(), player.fault
    try:
        # Two calls, the second while the first is said: a backlog, said in order.
        drive(announcer, player, 11.0, {1.5: call("A001"), 1.8: call("A002")})
    finally:
        player.close()
    assert spoken == ["c-A001", "c-A002"]
    out = capture.read()
    placed = [
        (locate(out, clip, written), clip)
        for clip, written in ((scaled(pcm, v), w) for _, pcm, v, w in player.clips)
    ]
    assert [channel for channel, *_ in player.clips] == [CHIME, 1, CHIME, 1, 1]
    music = without(out, placed)  # the music alone, as it played under the words
    levels = block_levels(music)
    first_sound = min(start + next(i for i, v in enumerate(clip) if v) for start, clip in placed)
    last_sound = max(start + len(clip) for start, clip in placed)
    down = placed[0][0] // BUFFER  # the first clip (lead-in, chime) is started with the duck
    before = levels[4 : down - 1]
    under = levels[first_sound // BUFFER + 1 : last_sound // BUFFER]
    after = levels[(last_sound + int((RESTORE_S + 0.2) * RATE)) // BUFFER :]
    assert len(before) > 30 and len(under) > 200 and len(after) > 20
    normal = sum(before) / len(before)
    db = lambda level: 20 * math.log10(level / normal)  # noqa: E731
    # Under speech the music is at a quarter of its level (-12 dB), held through both calls
    # and every repetition; after them it is back where it was.
    wrong = [(i, round(db(v), 1)) for i, v in enumerate(under) if not -13.5 < db(v) < -10.0]
    assert not wrong, wrong
    assert all(abs(db(level)) < 0.5 for level in after + before)
    # It fades down before the chime (about 0.3 s) and up over about a second: a staircase of
    # small steps, never a jump.
    fall = [i for i in range(down - 2, first_sound // BUFFER + 2) if -11 < db(levels[i]) < -1]
    rise_from = last_sound // BUFFER
    rise = [i for i in range(rise_from, rise_from + 80) if -11 < db(levels[i]) < -1]
    # (between -1 and -11 dB the smooth ramp spends 64 % of its time; a jump spends none)
    assert len(fall) * BUFFER / RATE >= DUCK_DOWN_S * 0.45, len(fall)
    assert len(rise) * BUFFER / RATE >= RESTORE_S * 0.5, len(rise)
    for span in (fall, rise):
        steps = [abs(db(levels[i + 1]) - db(levels[i])) for i in range(span[0] - 1, span[-1] + 1)]
        assert max(steps) < 3.0, steps  # one 128th at the bottom is 1.6 dB; a jump is 12
    # No sample-to-sample jump in the music beyond what the music itself has at full level.
    jumps = lambda part: max(abs(a - b) for a, b in itertools.pairwise(part))  # noqa: E731
    steady = jumps(music[4 * BUFFER : (down - 1) * BUFFER])
    ramps = [
        music[s * BUFFER : (e + 2) * BUFFER]
        for s, e in ((fall[0] - 1, fall[-1]), (rise[0] - 1, rise[-1]))
    ]
    assert all(jumps(part) <= steady for part in ramps), (steady, [jumps(p) for p in ramps])


def test_a_file_that_cannot_be_played_is_skipped_with_a_line_and_the_next_one_plays(
    tmp_path, caplog
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    (folder / "01-broken.ogg").write_bytes(b"OggS" + bytes(3000))
    (folder / "02-notes.txt").write_text("not music", encoding="utf-8")
    tone(folder / "03-tone.ogg", seconds=1.0)
    player = Player(with_music(load_config(EXAMPLE), folder).audio)
    assert player.open(), player.fault
    try:
        with caplog.at_level("INFO", logger="audio.music"):
            player.tick(time.monotonic(), 0.8)
        assert player.music is not None and player.music.track == folder / "03-tone.ogg"
        assert pygame.mixer.music.get_busy() and player.music_fault is None
    finally:
        player.close()
    skipped = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(skipped) == 1 and skipped[0].startswith(f"music: skipped {folder}/01-broken.ogg: ")


def test_a_missing_music_folder_is_one_clear_line_and_the_calls_are_still_said(
    tmp_path, caplog, config, clips
) -> None:
    folder = tmp_path / "usb-stick" / "music"
    player = Player(with_music(config, folder).audio)
    spoken: list[str] = []
    announcer = Announcer(with_music(config, folder), clips, player, spoken.append)
    assert player.open(), player.fault
    try:
        with caplog.at_level("WARNING"):
            drive(announcer, player, 0.5, {0.0: call("A001")})
            player.tick(time.monotonic() + 1.0, 0.8)  # looked at once a minute, said once
    finally:
        player.close()
    assert spoken == ["c-A001"] and player.music_fault is not None
    assert f"music folder {folder}" in player.music_fault
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"music: music folder {folder}: No such file or directory; calls go on, "
        "looking again every 60 s"
    ]


def test_quiet_hours_with_volume_0_pause_the_music_and_bring_it_back(
    monkeypatch, tmp_path, config
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    tone(folder / "tone.flac", seconds=3.0)
    capture = use_disk_driver(monkeypatch, tmp_path / "out.raw")
    player = Player(with_music(config, folder).audio)
    assert player.open(), player.fault
    marks = []
    try:
        for volume in (1.0, 0.0, 1.0):
            player.tick(time.monotonic(), volume)
            time.sleep(0.05)
            marks.append(capture.written)
            time.sleep(0.4)
    finally:
        player.close()
    out = capture.read()
    loud, quiet, back = (out[m + BUFFER * 4 : m + BUFFER * 12] for m in marks)
    assert max(loud) > 1000 and not any(quiet) and max(back) > 1000
