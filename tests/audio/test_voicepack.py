"""A recorded voice pack as the lobby hears it: which clip says each word, trimmed, at one
loudness, joined without clicks or gaps, and synthesis for a word the pack lacks.

The packs are made here: a pure tone of its own frequency per clip (so the output tells
which clip played where), recorded with silence around it at different levels, some at
44.1 kHz stereo 24-bit as a studio delivers them.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import statistics
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from audio.announcer import join_words, spoken_parts
from audio.clips import ClipLibrary
from audio.pcm import RATE, samples
from audio.recorded import CROSSFADE_S, TARGET_DBFS, loudness_dbfs
from audio.tts import EspeakNg
from audio.voicepack import clip_specs, load_pack
from config import EXAMPLE, load_config
from lobby.contract import parse_call
from screen.voice import needed_tokens, pack_clips, voices
from tests.tone_pack import A023_ZH_CLIPS, make_pack, segments, tone_in, write_tone

A023_ZH = ["请", "A", "零", "二", "三", "号客户到", "3号窗口", "办理业务"]


def call(ticket: str = "A023", counter: str = "3"):
    return parse_call(
        json.dumps(
            {
                "v": 1,
                "id": f"c-{ticket}",
                "ticket": ticket,
                "counter": counter,
                "service": "general",
                "kind": "call",
                "ts": "2026-11-25T10:00:00+08:00",
            }
        ).encode()
    )


def with_pack(folder: Path):
    config = load_config(EXAMPLE)
    return dataclasses.replace(config, audio=dataclasses.replace(config.audio, voice_pack=folder))


def library(config) -> ClipLibrary:
    return ClipLibrary(
        lambda: [EspeakNg()], voices(config), {"zh": 200, "en": 160}, None, pack=pack_clips(config)
    )


def said(clips: ClipLibrary, config, language: str = "zh") -> bytes:
    """One round of A023 to counter 3 in one language, as the announcer joins it."""
    parts = [p for p in spoken_parts(config, call()) if p.language == language]
    for token in parts[0].tokens:
        assert clips.synthesize_now(language, token) is not None, token
    words = join_words(clips, parts)
    assert words
    return words


@pytest.fixture(scope="module")
def tone_pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voice")
    config = with_pack(folder)
    specs = [s for s in clip_specs(config, needed_tokens(config)) if s.language == "zh"]
    return config, make_pack(folder, specs)


def test_each_word_is_said_by_its_own_clip_in_order(tone_pack) -> None:
    config, tones = tone_pack
    clips = library(config)
    words = said(clips, config)
    spans = segments(words)
    heard = [tone_in(words, span, tones) for span in spans]
    assert [name for name, _ in heard] == A023_ZH_CLIPS
    assert all(purity > 0.9 for _, purity in heard), heard
    assert all(clips.from_pack("zh", token) for token in A023_ZH)
    assert clips.pack_report is not None and clips.pack_report.summary().endswith(
        "25 of 49 clips ready, 24 missing; speech synthesis says the rest"
    )


def test_clips_are_trimmed_to_their_sound_with_no_long_gap_between(tone_pack) -> None:
    config, _tones = tone_pack
    words = said(library(config), config)
    spans = segments(words)
    gaps = [(b[0] - a[1]) / RATE for a, b in itertools.pairwise(spans)]
    # recorded with 0.2-0.8 s of silence before and 0.4 s after: 20 ms before and 40 ms
    # after are kept, overlapping by the crossfade
    assert all(0.02 < gap < 0.06 for gap in gaps), gaps
    assert spans[0][0] / RATE < 0.03 and (len(words) // 2 - spans[-1][1]) / RATE < 0.05
    lengths = [(b - a) / RATE for a, b in spans]
    assert all(0.28 < length < 0.32 for length in lengths), lengths  # each tone is 0.3 s


def test_clips_recorded_at_different_levels_sound_equally_loud_as_synthesis_does(
    tone_pack,
) -> None:
    config, _tones = tone_pack
    clips = library(config)
    words = said(clips, config)
    levels = [loudness_dbfs(samples(words)[a:b].tobytes()) for a, b in segments(words)]
    # recorded from -34 to -6 dBFS peak: 28 dB apart
    assert max(levels) - min(levels) < 0.5, levels
    assert all(abs(level - TARGET_DBFS) < 1 for level in levels), levels
    loaded = [loudness_dbfs(clips.get("zh", token) or b"") for token in A023_ZH]
    assert all(abs(level - TARGET_DBFS) < 0.2 for level in loaded), loaded
    synthesis = ClipLibrary(lambda: [EspeakNg()], voices(config), {"zh": 200}, None)
    synthesised = [loudness_dbfs(synthesis.synthesize_now("zh", t) or b"") for t in A023_ZH]
    assert abs(statistics.median(synthesised) - TARGET_DBFS) < 1, synthesised


def test_a_missing_clip_is_synthesised_and_only_that_one(tmp_path: Path) -> None:
    config = with_pack(tmp_path)
    specs = [s for s in clip_specs(config, needed_tokens(config)) if s.language == "zh"]
    tones = make_pack(tmp_path, specs, skip={"zh-digit-2"})
    clips = library(config)
    words = said(clips, config)
    heard = [tone_in(words, span, tones) for span in segments(words)]
    by_tone = [name for name, purity in heard if purity > 0.9]
    assert by_tone == [n for n in A023_ZH_CLIPS if n != "zh-digit-2"]
    speech = [i for i, (_, purity) in enumerate(heard) if purity < 0.5]
    assert speech and all(3 <= i <= 4 for i in speech), heard  # 二, between 零 and 三
    assert not clips.from_pack("zh", "二") and clips.from_pack("zh", "三")
    assert clips.get("zh", "二") == clips.synthesize_now("zh", "二")
    assert "voice pack" not in clips.faults  # a partial pack is normal while recording


def test_joins_between_clips_are_continuous_even_when_recorded_with_no_silence(
    tmp_path: Path,
) -> None:
    """Clips cut hard at their loudest (the recording started and stopped mid-tone) still
    join without a step: each is faded at its ends, and the two crossfade."""
    config = with_pack(tmp_path)
    specs = [s for s in clip_specs(config, needed_tokens(config)) if s.language == "zh"]
    tones = {}
    for index, spec in enumerate(specs):
        tones[spec.name] = 300.0 + 40 * index
        write_tone(tmp_path / f"{spec.name}.wav", tones[spec.name], seconds=0.4, peak_dbfs=-8,
                   lead_s=0, tail_s=0, fade_s=0, phase=math.pi / 2)  # fmt: skip
    clips = library(config)
    words = samples(said(clips, config))
    steps = [abs(words[i + 1] - words[i]) for i in range(len(words) - 1)]
    pieces = [clips.get("zh", token) or b"" for token in A023_ZH]
    joins, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece) // 2 - int(RATE * CROSSFADE_S)
        joins.append(at)
    near = {i for j in joins for i in range(j - 400, j + 400)}
    inside = max(s for i, s in enumerate(steps) if i not in near)
    at_joins = max(steps[i] for i in near if i < len(steps))
    # a tone's own steps are 2*pi*f/rate of its amplitude; a join may add little to that
    assert at_joins <= inside * 1.1, (at_joins, inside)
    for piece in pieces:  # next to a synthesised word, or first and last: no step either
        ends = samples(piece)
        assert max(map(abs, [*ends[:10], *ends[-10:]])) < 200, (ends[:10], ends[-10:])
    quiet = [i for i, (a, b) in enumerate(segments(words.tobytes())) if b - a < RATE * 0.05]
    assert not quiet  # one continuous sound, no dip into silence between words
    assert len(segments(words.tobytes(), floor_dbfs=-60)) == 1


def test_a_click_before_the_word_is_not_kept(tmp_path: Path) -> None:
    spec = next(iter(clip_specs(with_pack(tmp_path), {"zh": {"三"}})))
    click = [0.0] * int(RATE * 0.1) + [0.9, -0.9, 0.8, -0.7, 0.5]  # the mouse's click
    write_tone(tmp_path / f"{spec.name}.wav", 440, seconds=0.5, lead_s=0.6, extra=click)
    (clip,) = load_pack(tmp_path, [spec]).clips
    assert clip.pcm is not None and not clip.problems
    assert 0.55 < len(clip.pcm) / 2 / RATE < 0.57  # the tone, 20 ms before and 40 after
    assert max(abs(v) for v in samples(clip.pcm)[: int(RATE * 0.02)]) < 100


SAFE_NAME = re.compile(r"[^\x00-\x1f/\\:*?\"<>|.][^\x00-\x1f/\\:*?\"<>|]*")


EXAMPLE_CONFIG = load_config(EXAMPLE)


@settings(max_examples=150, deadline=None)
@given(
    st.sets(
        st.one_of(st.text("aAbB 1-.,号窗口", min_size=1, max_size=12), st.text(max_size=90)).filter(
            str.strip
        ),
        min_size=2,
        max_size=8,
    )
)
@example({"please go to", "Please, go to", "please go to counter", "please go"})
@example({"号" * 90, "号" * 89 + "窗", "窗口" * 30, "窗口" * 29 + "号"})
def test_clip_names_are_safe_file_names_and_two_words_share_one_only_if_they_sound_alike(
    words: set[str],
) -> None:
    specs = clip_specs(EXAMPLE_CONFIG, {"en": words, "zh": words})
    for spec in specs:
        assert SAFE_NAME.fullmatch(spec.name), spec.name
        assert len(f"{spec.name}.wav".encode()) <= 255  # any Linux file system takes it
    for spec in specs:
        letters = {"".join(c for c in unicodedata.normalize("NFKC", t).casefold() if c.isalnum())
                   for t in spec.tokens}  # fmt: skip
        assert len(letters) == 1, spec  # one clip for two texts only if they sound alike
    if "Please, go to" in words:
        (shared,) = [s for s in specs if s.language == "en" and "please go to" in s.tokens]
        assert shared.tokens == ("Please, go to", "please go to")
        assert shared.name == "en-phrase-please-go-to"
    said = {(s.language, t) for s in specs for t in s.tokens}
    assert said == {(lang, w) for lang in ("en", "zh") for w in words}  # every word has one
