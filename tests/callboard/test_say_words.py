"""``callboard say --lang --waited``: the WAV a technician plays to hear what the lobby hears
for a ticket taken in a language and a long wait.

The WAV is held to the clips it must be made of, in order: the CLI's own clip cache is read
back here by a library that must not synthesise anything, so the clips compared are the
very sounds the command joined; the chime's tail is left out of the comparison (it is mixed
over the first words).
"""

from __future__ import annotations

import os
from pathlib import Path

from audio.announcer import LANGUAGE_GAP_S, REPEAT_GAP_S
from audio.chime import LENGTH_S, WORDS_AFTER_S
from audio.clips import ClipLibrary
from audio.pcm import RATE, read_wav, rms_dbfs, silence
from config import EXAMPLE, load_config
from lobby.speech import Spoken, spoken_part
from screen.voice import voices
from tests.conftest import run_cli


class MustNotSpeak:
    """The CLI's engine by name; fails the test if a clip was not in the CLI's cache."""

    name = "pyttsx3"

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        raise AssertionError(f"{text!r} was not in the clips the command made")

    def close(self) -> None:
        pass


def say(tmp_path: Path, *more: str) -> tuple[bytes, str]:
    out = tmp_path / f"say{len(list(tmp_path.glob('*.wav')))}.wav"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ("say", "--config", str(EXAMPLE), "--ticket", "A023", "--counter", "3")
    result = run_cli(*args, *more, "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return read_wav(out), result.stdout


def words(tmp_path: Path, *parts: Spoken) -> bytes:
    config = load_config(EXAMPLE)
    clips = ClipLibrary(
        lambda: [MustNotSpeak()],
        voices(config),
        {lang: config.audio.rate_for(lang) for lang in config.audio.languages},
        tmp_path / "cache" / "callboard" / "clips",
    )
    out = []
    for part in parts:
        sounds = [clips.synthesize_now(part.language, token) for token in part.tokens]
        assert all(sounds), part
        out.append(silence(0.02).join(s for s in sounds if s))
    return silence(LANGUAGE_GAP_S).join(out)


def call(language: str) -> Spoken:
    config = load_config(EXAMPLE)
    name = {"zh": "3号窗口", "en": "Counter 3"}[language]
    return spoken_part(language, config.audio.templates[language], "A023", name)


def sorry(language: str) -> Spoken:
    return Spoken(language, ({"zh": "让您久等了", "en": "Thank you for waiting"}[language],))


def after_the_chime(wav: bytes) -> bytes:
    """The words from where the chime has rung out (it is mixed over their start)."""
    return wav[int(LENGTH_S * RATE) * 2 :]


def body_after_the_chime(body: bytes) -> bytes:
    return body[int((LENGTH_S - WORDS_AFTER_S) * RATE) * 2 :]


def test_say_in_english_after_a_long_wait_is_the_apology_and_english_first(
    tmp_path: Path,
) -> None:
    wav, out = say(tmp_path, "--lang", "en", "--waited", "1200")
    assert out.splitlines()[1] == (
        "said in en, zh (en first: the customer's); a wait of 1200 s opens with the apology"
    )
    first = words(tmp_path, sorry("en"), call("en"), sorry("zh"), call("zh"))
    plain = words(tmp_path, call("en"), call("zh"))
    body = first + silence(REPEAT_GAP_S) + plain  # said twice; the apology once
    assert after_the_chime(wav) == body_after_the_chime(body)
    assert len(wav) == int(WORDS_AFTER_S * RATE) * 2 + len(body)
    assert -30 < rms_dbfs(wav) < -12


def test_say_in_english_without_a_wait_is_english_then_mandarin_twice(tmp_path: Path) -> None:
    wav, out = say(tmp_path, "--lang", "en")
    assert out.splitlines()[1] == "said in en, zh (en first: the customer's)"
    once = words(tmp_path, call("en"), call("zh"))
    assert after_the_chime(wav) == body_after_the_chime(once + silence(REPEAT_GAP_S) + once)
    usual, out = say(tmp_path, "--waited", "600")  # under the example's 900 s: no apology
    assert (
        out.splitlines()[1] == "said in zh, en; no apology (600 s is under apology_after_s = 900)"
    )
    mandarin_first = words(tmp_path, call("zh"), call("en"))
    assert after_the_chime(usual) == body_after_the_chime(
        mandarin_first + silence(REPEAT_GAP_S) + mandarin_first
    )


def test_say_refuses_a_wait_or_a_language_the_contract_refuses(tmp_path: Path) -> None:
    args = ("say", "--config", str(EXAMPLE), "--ticket", "A023", "--counter", "3")
    out = str(tmp_path / "x.wav")
    for more, reason in [
        (("--waited", "-5"), "not a call: field 'waited_s' = -5 is outside 0..1000000"),
        (
            ("--lang", "English"),
            "not a call: field 'lang' = 'English' does not match [a-z]{2,3}(-[A-Za-z0-9]{2,8})?",
        ),
    ]:
        result = run_cli(*args, *more, "--out", out)
        assert (result.returncode, result.stderr.strip()) == (2, reason)
    result = run_cli(*args, "--waited", "soon", "--out", out)
    assert result.returncode == 2 and "argument --waited: invalid int value: 'soon'" in (
        result.stderr
    )
    assert not (tmp_path / "x.wav").exists()
