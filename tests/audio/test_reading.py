"""What the lobby hears is its language, checked the way a listener would check it.

Every token the example config can say, in both readings, goes through espeak-ng's phoneme
output for the configured voice (``espeak-ng -q -x``): no switch to another language. The
Mandarin is then held to a correct reading: pinyin with tone numbers, read by the voice that
reads pinyin as Mandarin, must give the same phonemes, and the clip the product makes (its
own clip library and engines) must sound like espeak-ng's audio of that pinyin. espeak-ng
1.51's ``cmn`` voice, the old default, fails every one of these (the last test shows it).
"""

from __future__ import annotations

import dataclasses
import math
import string

import pytest

from audio.clips import ClipLibrary
from audio.pcm import duration, normalise, samples
from audio.reading import mandarin_syllables, misreading, phonemes, read, said_as, switches
from audio.tts import EspeakNg
from config import EXAMPLE, Config, load_config
from lobby.speech import READINGS
from screen.voice import clip_library, needed_tokens, voices

PINYIN_VOICE = "cmn-latn-pinyin"  # reads pinyin with tone numbers as Mandarin
OLD_VOICE = "cmn"  # espeak-ng 1.51: most characters as pinyin spelt in English
# The correct reading of every Mandarin phrase and number word the example config says.
PINYIN = {
    "请": "qing3",
    "号客户到": "hao4 ke4 hu4 dao4",
    "办理业务": "ban4 li3 ye4 wu4",
    "让您久等了": "rang4 nin2 jiu3 deng3 le5",
    "零": "ling2",
    "一": "yi1",
    "二": "er4",
    "三": "san1",
    "四": "si4",
    "五": "wu3",
    "六": "liu4",
    "七": "qi1",
    "八": "ba1",
    "九": "jiu3",
    "十": "shi2",
    "百": "bai3",
    "千": "qian1",
    "两": "liang3",
    "1号窗口": "yi1 hao4 chuang1 kou3",
    "2号窗口": "er4 hao4 chuang1 kou3",
    "3号窗口": "san1 hao4 chuang1 kou3",
    "4号咨询台": "si4 hao4 zi1 xun2 tai2",
    "5号申诉窗口": "wu3 hao4 shen1 su4 chuang1 kou3",
    "6号出纳": "liu4 hao4 chu1 na4",
}
LETTERS = tuple(string.ascii_uppercase)  # any ticket prefix


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(EXAMPLE)


def every_token(config: Config, language: str) -> set[str]:
    """Everything the config can say in a language, in either reading."""
    tokens: set[str] = set()
    for reading in READINGS:
        audio = dataclasses.replace(config.audio, reading={language: reading})
        tokens |= needed_tokens(dataclasses.replace(config, audio=audio))[language]
    return tokens


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_token_is_read_in_its_language_without_a_switch(config, language) -> None:
    voice = voices(config)[language]
    tokens = every_token(config, language) | set(LETTERS)
    for reading in read(voice, sorted(tokens)):
        assert reading.phonemes, reading
        assert not switches(reading.phonemes), reading
        assert mandarin_syllables(reading.phonemes) == (language == "zh"), reading
    assert misreading(language, voice, tokens) == ""


def test_every_mandarin_phrase_and_number_word_has_a_reference_reading(config) -> None:
    unchecked = every_token(config, "zh") - set(LETTERS) - set(PINYIN)
    assert not unchecked, f"add their pinyin to PINYIN: {sorted(unchecked)}"


@pytest.mark.parametrize("chars", sorted(PINYIN), ids=lambda c: PINYIN[c].replace(" ", "-"))
def test_mandarin_is_read_as_its_pinyin(config, chars) -> None:
    voice = voices(config)["zh"]
    assert phonemes(said_as(voice, chars), voice) == phonemes(PINYIN[chars], PINYIN_VOICE)


def envelope(pcm: bytes, frame_s: float = 0.01) -> list[float]:
    """Loudness every 10 ms: the rhythm of syllables, onsets and pauses."""
    data, frame = samples(pcm), int(22050 * frame_s)
    return [
        math.sqrt(sum(s * s for s in data[i : i + frame]) / frame)
        for i in range(0, len(data) - frame + 1, frame)
    ]


def correlation(a: list[float], b: list[float]) -> float:
    n = max(len(a), len(b))
    a, b = a + [0.0] * (n - len(a)), b + [0.0] * (n - len(b))
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    spread = math.sqrt(sum((x - mean_a) ** 2 for x in a) * sum((y - mean_b) ** 2 for y in b))
    return cov / spread if spread else 0.0


def sounds_alike(heard: bytes, correct: bytes) -> tuple[bool, str]:
    """Equal length within 5 % and a loudness envelope that follows the correct one (r >=
    0.92: correct readings give 0.96 to 1.00, 务 in the neutral tone 0.84, cmn below 0.4)."""
    length = abs(duration(heard) - duration(correct)) / duration(correct)
    r = correlation(envelope(heard), envelope(correct))
    return (
        length <= 0.05 and r >= 0.95,
        f"{duration(heard):.2f} s vs {duration(correct):.2f} s, r={r:.3f}",
    )


def correct_sound(config: Config, chars: str) -> bytes:
    return normalise(
        EspeakNg().synthesize(PINYIN[chars], PINYIN_VOICE, config.audio.rate_for("zh"))
    )


def test_the_clips_the_product_makes_sound_like_the_correct_reading(config) -> None:
    library = clip_library(config, cache=False)  # the configured engine (pyttsx3) and voice
    try:
        for chars in sorted(PINYIN):
            heard = library.synthesize_now("zh", chars)
            assert heard is not None, library.faults
            alike, why = sounds_alike(heard, correct_sound(config, chars))
            assert alike, f"{chars}: {why}"
    finally:
        library.close()


def test_the_old_cmn_voice_fails_each_check(config) -> None:
    """The checks above are not vacuous: espeak-ng 1.51's cmn fails every one."""
    tokens = every_token(config, "zh")
    assert "in English (en)" in misreading("zh", OLD_VOICE, tokens)
    phrases = ["请", "号客户到", "办理业务", "3号窗口"]
    for chars in phrases:
        assert phonemes(chars, OLD_VOICE) != phonemes(PINYIN[chars], PINYIN_VOICE), chars
    engine = EspeakNg()
    for chars in phrases:
        heard = normalise(engine.synthesize(chars, OLD_VOICE, config.audio.rate_for("zh")))
        alike, why = sounds_alike(heard, correct_sound(config, chars))
        assert not alike, f"{chars}: {why}"


def test_characters_espeak_ng_reads_in_the_neutral_tone_are_said_as_pinyin() -> None:
    assert said_as(PINYIN_VOICE, "办理业务") == "办理业 wu4"
    assert said_as(PINYIN_VOICE, "5号申诉窗口") == "5号申 su4 窗口"
    assert said_as(OLD_VOICE, "办理业务") == "办理业务"  # it would read wu4 in English
    assert said_as("en", "please go to") == "please go to"


def test_a_voice_that_misreads_is_one_warning_and_a_fault_until_put_right(caplog) -> None:
    notes: list[object] = []
    library = ClipLibrary(
        lambda: [EspeakNg()],
        {"zh": OLD_VOICE, "en": "en"},
        {"zh": 200, "en": 160},
        None,
        notes.append,
    )
    fix = 'in [audio] write  voices = { zh = "cmn-latn-pinyin", en = "en" }'
    library.start()
    with caplog.at_level("WARNING", logger="audio.clips"):
        library.check_reading("zh", ["请", "号客户到", "二"], fix)
        library.check_reading("en", ["please go to"], fix)
        library.close()  # after the checks queued before it
    assert set(library.faults) == {"zh voice"}
    assert library.faults["zh voice"] == (
        "espeak-ng voice cmn reads 请, 号客户到 in English (en): the Mandarin part is not "
        f"understood; {fix}"
    )
    assert [r.getMessage() for r in caplog.records] == [library.faults["zh voice"]]
    assert len(notes) == 2  # each check wakes the screen, which reports the fault
