"""The announcement queue: order, no overlap, the chime first, the backlog policy, faults.

The speaker here is a recording stand-in (the mixer is tested on its own); the clips are
real espeak-ng speech, so every duration below is the real one.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import pytest

from audio.announcer import Announcer, spoken_parts
from audio.chime import WORDS_AFTER_S
from audio.clips import ClipLibrary
from audio.player import CHIME, WORDS
from audio.tts import EspeakNg
from config import EXAMPLE, load_config
from config.settings import QuietHours
from lobby.contract import CallEvent, parse_call
from screen.voice import needed_tokens, voices


class RecordingSpeaker:
    """Keeps what it was asked to play and when; lengths are the clips' real lengths."""

    def __init__(self) -> None:
        self.ready = True
        self.now = 0.0
        self.played: list[tuple[float, int, float, float]] = []  # start, channel, length, volume

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        length = len(pcm) / (22050 * 2)
        self.played.append((self.now, channel, length, volume))
        return length

    def words(self) -> list[tuple[float, float]]:
        return [(start, length) for start, channel, length, _ in self.played if channel == WORDS]


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE)


@pytest.fixture(scope="module")
def clips(config, tmp_path_factory) -> ClipLibrary:
    library = ClipLibrary(
        lambda: [EspeakNg()],
        voices(config),
        {"zh": 200, "en": 160},
        tmp_path_factory.mktemp("clips"),
    )
    for language, tokens in needed_tokens(config).items():
        for token in tokens:
            assert library.synthesize_now(language, token) is not None, token
    return library


def call(ticket: str, counter: str = "3", call_id: str | None = None, kind: str = "call"):
    return parse_call(
        json.dumps(
            {
                "v": 1,
                "id": call_id or f"c-{ticket}",
                "ticket": ticket,
                "counter": counter,
                "service": "general",
                "kind": kind,
                "ts": "2026-11-25T10:00:00+08:00",
            }
        ).encode()
    )


def run(
    announcer: Announcer,
    speaker: RecordingSpeaker,
    until: float,
    step: float = 0.01,
    arrivals: dict[float, CallEvent] | None = None,
    hhmm: str = "10:00",
) -> None:
    """Drive the announcer as the daemon's loop does, on a simulated clock."""
    pending = dict(arrivals or {})
    t = 0.0
    while t <= until:
        for at in [a for a in pending if a <= t]:
            announcer.announce(pending.pop(at), t)
        speaker.now = t
        announcer.tick(t, hhmm)
        t = round(t + step, 6)


def test_a_call_gets_the_chime_at_once_then_its_words_twice(config, clips) -> None:
    speaker, spoken = RecordingSpeaker(), []
    announcer = Announcer(config, clips, speaker, spoken.append)
    run(announcer, speaker, 40.0, arrivals={0.0: call("A023")})
    assert speaker.played[0][:2] == (0.0, CHIME)
    words = speaker.words()
    assert len(words) == 2
    assert words[0][0] == pytest.approx(WORDS_AFTER_S, abs=0.011)  # within 300 ms of the call
    assert words[1][0] == pytest.approx(words[0][0] + words[0][1], abs=0.011)
    assert spoken == ["c-A023"]
    assert not announcer.busy


def test_calls_are_said_in_order_one_at_a_time_and_a_backlog_says_each_once(config, clips):
    speaker = RecordingSpeaker()
    announcer = Announcer(config, clips, speaker)
    arrivals = {0.0: call("A001"), 0.5: call("A002"), 0.6: call("A003"), 0.7: call("A004")}
    run(announcer, speaker, 120.0, arrivals=arrivals)
    chimes = [start for start, channel, _, _ in speaker.played if channel == CHIME]
    words = speaker.words()
    assert len(chimes) == 4  # none dropped
    # A001 said once (others were waiting when its first round ended), A002..A003 once,
    # A004 twice (nothing waiting behind it).
    assert len(words) == 5
    for (start, length), (next_start, _) in itertools.pairwise(words):
        assert start + length <= next_start + 1e-6  # never two at once
    for chime in chimes[1:]:
        previous_end = max(s + n for s, n in words if s < chime)
        assert chime >= previous_end - 1e-6


def test_a_recall_is_announced_again(config, clips) -> None:
    speaker, spoken = RecordingSpeaker(), []
    announcer = Announcer(config, clips, speaker, spoken.append)
    run(
        announcer,
        speaker,
        60.0,
        arrivals={0.0: call("A023"), 30.0: call("A023", call_id="r1", kind="recall")},
    )
    assert spoken == ["c-A023", "r1"]


def test_quiet_hours_lower_the_volume_or_silence_it(config, clips) -> None:
    quiet = dataclasses.replace(
        config.audio, quiet=(QuietHours("12:00", "13:30", 0.2), QuietHours("22:00", "07:00", 0.0))
    )
    config = dataclasses.replace(config, audio=quiet)
    speaker = RecordingSpeaker()
    announcer = Announcer(config, clips, speaker)
    run(announcer, speaker, 1.0, arrivals={0.0: call("A1")}, hhmm="12:30")
    assert {volume for *_, volume in speaker.played} == {0.2}
    speaker.played.clear()
    run(announcer, speaker, 1.0, arrivals={0.0: call("A2")}, hhmm="23:15")
    assert speaker.played == []  # night: shown, not spoken


def test_without_a_speaker_calls_wait_then_are_let_go_never_a_crash(config, clips) -> None:
    speaker = RecordingSpeaker()
    speaker.ready = False
    announcer = Announcer(config, clips, speaker)
    run(announcer, speaker, 70.0, step=0.5, arrivals={0.0: call("A1")})
    assert speaker.played == [] and announcer.skipped == 1 and announcer.backlog == 0


def test_a_language_whose_voice_is_missing_is_left_out_the_other_is_said(config, tmp_path) -> None:
    broken = ClipLibrary(
        lambda: [EspeakNg()], {"zh": "xx-missing", "en": "en"}, {"zh": 200, "en": 160}, None
    )
    for part in spoken_parts(config, call("A023")):
        for token in part.tokens:
            broken.synthesize_now(part.language, token)
    assert "zh" in broken.faults and "en" not in broken.faults
    speaker = RecordingSpeaker()
    announcer = Announcer(config, broken, speaker)
    run(announcer, speaker, 30.0, arrivals={0.0: call("A023")})
    words = speaker.words()
    assert len(words) == 2 and 1.0 < words[0][1] < 6.0  # English only, still said twice


def test_the_whole_announcement_is_chime_then_both_languages_twice(config, clips) -> None:
    pcm = Announcer(config, clips, RecordingSpeaker()).whole_announcement(call("A023"))
    one_round = [
        clips.get(p.language, t) for p in spoken_parts(config, call("A023")) for t in p.tokens
    ]
    assert all(one_round)
    speech = sum(len(c) for c in one_round if c) / (22050 * 2)
    assert 2 * speech + WORDS_AFTER_S < len(pcm) / (22050 * 2) < 2 * speech + 4.0


class MustNotSpeak:
    """An engine that fails the test if asked: everything must come from the disk cache."""

    name = "espeak-ng"

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        raise AssertionError(f"synthesised {text!r} again instead of reading the cache")

    def close(self) -> None:
        pass


def test_clips_are_kept_on_disk_and_read_back_after_a_restart(tmp_path: Path) -> None:
    first = ClipLibrary(lambda: [EspeakNg()], {"en": "en"}, {"en": 160}, tmp_path)
    clip = first.synthesize_now("en", "please go to")
    assert clip and len(list(tmp_path.glob("en-*.wav"))) == 1
    second = ClipLibrary(lambda: [MustNotSpeak()], {"en": "en"}, {"en": 160}, tmp_path)
    assert second.synthesize_now("en", "please go to") == clip


def test_a_flood_of_calls_is_said_as_far_as_speech_can_and_the_rest_is_logged(
    config, clips, caplog
) -> None:
    speaker = RecordingSpeaker()
    announcer = Announcer(config, clips, speaker)
    arrivals = {round(i * 0.05, 2): call(f"A{i:03d}", call_id=f"f{i}") for i in range(200)}
    with caplog.at_level("WARNING"):
        run(announcer, speaker, 120.0, step=0.05, arrivals=arrivals)
    chimes = sum(1 for _, channel, _, _ in speaker.played if channel == CHIME)
    assert chimes + announcer.skipped == 200  # every call said or logged, none lost silently
    assert announcer.backlog == 0 and announcer.skipped > 0
    assert "calls came faster than speech" in caplog.text


def test_one_round_of_the_example_call_lasts_under_nine_seconds(config, clips) -> None:
    """Chime, Mandarin, English once, for "A023 to counter 3" at the example's calm rates."""
    once = dataclasses.replace(config, audio=dataclasses.replace(config.audio, repeat=1))
    pcm = Announcer(once, clips, RecordingSpeaker()).whole_announcement(call("A023"))
    assert 7.0 < len(pcm) / (22050 * 2) < 9.0, len(pcm) / (22050 * 2)


class WakingSpeaker(RecordingSpeaker):
    """An output that asks for a lead-in before each announcement and is told its end."""

    def __init__(self, lead: float) -> None:
        super().__init__()
        self.lead, self.chimes, self.ends = lead, [], []

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        if channel == CHIME:
            self.chimes.append(pcm)
        return super().play(channel, pcm, volume)

    def begin(self, now: float) -> float:
        return self.lead

    def end(self, now: float) -> None:
        self.ends.append(now)


def test_an_outputs_lead_in_goes_before_the_chime_and_moves_the_words_with_it(
    config, clips
) -> None:
    speaker = WakingSpeaker(0.5)
    announcer = Announcer(config, clips, speaker)
    run(announcer, speaker, 40.0, arrivals={0.0: call("A023")})
    lead = int(0.5 * 22050) * 2
    assert not any(speaker.chimes[0][:lead]) and any(speaker.chimes[0][lead : lead + 2000])
    assert speaker.words()[0][0] == pytest.approx(0.5 + WORDS_AFTER_S, abs=0.011)
    assert len(speaker.ends) == 1 and speaker.ends[0] >= sum(speaker.words()[-1])
