"""Cantonese for a Guangdong branch is a change of the config, not of the code.

The example lobby's config, with Cantonese added to ``[audio]`` as a technician would add it
(a language, its voice, its wording, its rate), loads, and every word it can say in Cantonese
is read by espeak-ng's ``yue`` voice as the Cantonese of those characters: the phonemes
(``espeak-ng -x``) of each token, turned into Jyutping, are the Jyutping a Cantonese speaker
gives them, written down here by hand, not taken from espeak-ng.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from audio.announcer import LANGUAGE_GAP_S, Announcer, join_words, spoken_parts
from audio.clips import ClipLibrary
from audio.pcm import duration, rms_dbfs, silence
from audio.reading import misreading, phonemes, said_as
from audio.tts import EspeakNg
from callboard.doctor import check_voice
from config import EXAMPLE, Config, load_config
from lobby.contract import CallEvent, parse_call
from lobby.speech import READINGS
from screen.voice import needed_tokens, voices

GUANGDONG = [
    ('languages = ["zh", "en"]    # spoken', 'languages = ["yue", "zh", "en"]    # spoken'),
    ("rate = { zh = 200, en = 160 }", "rate = { yue = 170, zh = 200, en = 160 }"),
    (
        'templates = { zh = "请{ticket}号客户到{counter}办理业务",',
        'templates = { yue = "请{ticket}号客户到{counter}办理业务", '
        'zh = "请{ticket}号客户到{counter}办理业务",',
    ),
    (
        'voices = { zh = "cmn-latn-pinyin", en = "en" }',
        'voices = { yue = "yue", zh = "cmn-latn-pinyin", en = "en" }',
    ),
]
# How a Cantonese speaker reads each word the lobby may say (Jyutping, tones 1-6).
JYUTPING = {
    "请": "cing2",
    "号客户到": "hou6 haak3 wu6 dou3",
    "办理业务": "baan6 lei5 jip6 mou6",
    "多谢您耐心等候": "do1 ze6 nei5 noi6 sam1 dang2 hau6",
    "零": "ling4",
    "一": "jat1",
    "二": "ji6",
    "三": "saam1",
    "四": "sei3",
    "五": "ng5",
    "六": "luk6",
    "七": "cat1",
    "八": "baat3",
    "九": "gau2",
    "十": "sap6",
    "百": "baak3",
    "千": "cin1",
    "两": "loeng5",
    "1号窗口": "jat1 hou6 coeng1 hau2",
    "2号窗口": "ji6 hou6 coeng1 hau2",
    "3号窗口": "saam1 hou6 coeng1 hau2",
    "4号咨询台": "sei3 hou6 zi1 seon1 toi4",
    "5号申诉窗口": "ng5 hou6 san1 sou3 coeng1 hau2",
    "6号出纳": "luk6 hou6 ceot1 naap6",
}
LETTERS = ("A", "C", "V", "T", "P")  # the example's ticket prefixes
_SYLLABLE_RE = re.compile(r"'?([a-z']*?)([1-9])([a-z]*)")


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Config:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in GUANGDONG:
        assert old in text, old
        text = text.replace(old, new, 1)
    assert "apology_after_s = 900" in text  # the example apologises after 15 minutes
    path = tmp_path_factory.mktemp("gd") / "guangdong.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def jyutping(said: str) -> str:
    """espeak-ng's yue phonemes as Jyutping: s'aa7m_| -> saam1. Its tone 7 is the high
    falling form of tone 1 (三 said alone: measured falling from 97 to 86 Hz, where its 1
    is level at 96 Hz); Jyutping writes both as 1."""
    out = []
    for word in said.replace("_|", " ").split():
        match = _SYLLABLE_RE.fullmatch(word)
        assert match, f"not a Cantonese syllable: {word!r} in {said!r}"
        onset, tone, coda = match.groups()
        out.append(f"{onset.replace(chr(39), '')}{coda}{'1' if tone == '7' else tone}")
    return " ".join(out)


def every_token(config: Config) -> set[str]:
    tokens: set[str] = set()
    for reading in READINGS:
        audio = dataclasses.replace(config.audio, reading={"yue": reading})
        tokens |= needed_tokens(dataclasses.replace(config, audio=audio))["yue"]
    return tokens


def a023(**more: object) -> CallEvent:
    body = {
        "v": 1,
        "id": "c-1",
        "ticket": "A023",
        "counter": "3",
        "service": "general",
        "kind": "call",
        "ts": "2026-11-25T10:00:00+08:00",
        **more,
    }
    return parse_call(json.dumps(body).encode())


def test_the_branch_speaks_cantonese_first_with_its_own_voice(config) -> None:
    assert config.audio.languages == ("yue", "zh", "en")
    assert voices(config)["yue"] == "yue" and config.audio.rate_for("yue") == 170
    assert config.languages == ("zh", "en")  # the board is unchanged
    parts = spoken_parts(config, a023())
    assert [p.language for p in parts] == ["yue", "zh", "en"]
    assert parts[0].tokens == ("请", "A", "零", "二", "三", "号客户到", "3号窗口", "办理业务")


def test_a023_to_counter_3_is_said_in_cantonese(config) -> None:
    voice = voices(config)["yue"]
    part = spoken_parts(config, a023())[0]
    heard = []
    for token in part.tokens:
        said = phonemes(said_as(voice, token), voice)
        if token in LETTERS:
            assert said.startswith("(en)"), said  # letters in English, as Cantonese says them
        else:
            heard.append(jyutping(said))
    assert heard == [
        "cing2",  # 请
        "ling4",  # 零
        "ji6",  # 二
        "saam1",  # 三
        "hou6 haak3 wu6 dou3",  # 号客户到
        "saam1 hou6 coeng1 hau2",  # 3号窗口
        "baan6 lei5 jip6 mou6",  # 办理业务
    ]


def test_every_cantonese_word_the_lobby_can_say_reads_as_its_jyutping(config) -> None:
    voice = voices(config)["yue"]
    tokens = every_token(config)
    assert tokens - set(LETTERS) == set(JYUTPING), "give each new word its Jyutping"
    wrong = {
        token: jyutping(phonemes(said_as(voice, token), voice))
        for token in sorted(JYUTPING)
        if jyutping(phonemes(said_as(voice, token), voice)) != JYUTPING[token]
    }
    assert not wrong, wrong
    assert misreading("yue", voice, tokens) == ""


def test_a_mandarin_or_english_voice_for_cantonese_is_caught(config) -> None:
    tokens = sorted(every_token(config))
    assert "without Cantonese tones" in misreading("yue", "cmn-latn-pinyin", tokens)
    assert "without Cantonese tones" in misreading("yue", "en", tokens)


def test_doctor_says_the_cantonese_voice_reads_cantonese(config) -> None:
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    finding = check_voice(config, "yue", espeak)
    assert finding.ok, finding
    assert finding.detail == (
        "espeak-ng voice yue reads “请A023号客户到1号窗口办理业务” in Cantonese"  # counter 1
    )


def test_a_long_wait_is_apologised_for_in_cantonese_with_its_own_words(
    config, tmp_path: Path
) -> None:
    parts = spoken_parts(config, a023(waited_s=1200, lang="en"))
    assert [(p.language, p.tokens[0]) for p in parts] == [
        ("en", "Thank you for waiting"),
        ("en", "Customer"),
        ("yue", "多谢您耐心等候"),
        ("yue", "请"),
        ("zh", "让您久等了"),
        ("zh", "请"),
    ]
    clips = ClipLibrary(
        lambda: [EspeakNg()],
        voices(config),
        {lang: config.audio.rate_for(lang) for lang in config.audio.languages},
        tmp_path,
    )
    once = dataclasses.replace(config.audio, repeat=1, chime=False)
    pcm = Announcer(dataclasses.replace(config, audio=once), clips, _Mute()).whole_announcement(
        a023(waited_s=1200)
    )
    cantonese = join_words(clips, parts[2:4])  # the apology, then the call
    assert cantonese and rms_dbfs(cantonese) > -30
    assert pcm.startswith(cantonese + silence(LANGUAGE_GAP_S))  # the lobby hears it first
    assert 10.0 < duration(pcm) < 20.0, duration(pcm)


class _Mute:
    ready = True

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        return 0.0
