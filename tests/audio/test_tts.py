"""Speech synthesis with real espeak-ng, directly and through pyttsx3's worker process."""

from __future__ import annotations

import os
import signal

import pytest

from audio.pcm import duration, peak_dbfs, rms_dbfs
from audio.tts import EspeakNg, Pyttsx3Worker, TtsError, open_engines


@pytest.fixture(scope="module")
def worker():
    running = Pyttsx3Worker()
    yield running
    running.close()


def assert_speech(pcm: bytes, low_s: float, high_s: float) -> None:
    """Audible, not clipped, of a plausible length."""
    assert low_s <= duration(pcm) <= high_s, duration(pcm)
    assert -30 < rms_dbfs(pcm) < -6, rms_dbfs(pcm)
    assert peak_dbfs(pcm) > -20


def test_espeak_ng_says_mandarin_and_english() -> None:
    engine = EspeakNg()
    assert_speech(engine.synthesize("号客户到", "cmn-latn-pinyin", 200), 0.5, 3.0)
    assert_speech(engine.synthesize("please go to", "en", 160), 0.4, 2.0)


def test_a_missing_voice_is_a_clear_error() -> None:
    with pytest.raises(TtsError, match="voice 'xx-nope'"):
        EspeakNg().synthesize("hello", "xx-nope", 160)


def test_a_missing_espeak_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # a machine without espeak-ng
    with pytest.raises(TtsError, match="apt install espeak-ng"):
        EspeakNg()


def test_pyttsx3_worker_says_each_utterance_into_its_own_file(worker: Pyttsx3Worker) -> None:
    first = worker.synthesize("三号窗口", "cmn-latn-pinyin", 200)
    second = worker.synthesize("Counter 3", "en", 160)
    assert_speech(first, 0.4, 3.0)
    assert_speech(second, 0.3, 2.0)
    assert first != second  # 2.99's keep-only-the-last bug would give one sound twice


def test_the_worker_says_each_utterance_in_its_own_voice_and_rate(worker: Pyttsx3Worker) -> None:
    """Languages alternate as the screen asks for clips: each clip is as long as espeak-ng
    makes it with that voice and rate (pyttsx3 once said a third of them at the rate of
    the language before)."""
    asked = [
        ("please go to", "en", 160),
        ("号客户到", "cmn-latn-pinyin", 200),
        ("Customer", "en", 160),
        ("请", "cmn-latn-pinyin", 200),
    ]
    expected = {words: duration(EspeakNg().synthesize(*words)) for words in asked}
    for _round in range(6):
        for words in asked:
            assert duration(worker.synthesize(*words)) == pytest.approx(expected[words], rel=0.03)


def test_a_killed_worker_is_restarted_and_the_next_utterance_works(worker: Pyttsx3Worker) -> None:
    before = worker.restarts
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert_speech(
        worker.synthesize("请", "cmn-latn-pinyin", 200), 0.1, 2.0
    )  # restarted and asked again
    assert worker.restarts == before + 1
    assert worker.pid != pid


def test_a_wedged_worker_is_killed_after_its_timeout() -> None:
    wedged = Pyttsx3Worker(timeout_s=5)
    try:
        pid = wedged.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # a hang, as runAndWait is known to do
        wedged.timeout_s = 0.5
        with pytest.raises(TtsError, match="wedged"):
            wedged.synthesize("请", "cmn-latn-pinyin", 200)
        assert wedged.restarts == 1 and wedged.pid != pid
        wedged.timeout_s = 5
        assert_speech(wedged.synthesize("请", "cmn-latn-pinyin", 200), 0.1, 2.0)
    finally:
        wedged.close()


def test_engines_open_with_the_preferred_first() -> None:
    engines = open_engines("espeak-ng")
    try:
        assert [e.name for e in engines] == ["espeak-ng", "pyttsx3"]
    finally:
        for engine in engines:
            engine.close()
