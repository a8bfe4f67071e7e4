"""What a call says, as the lobby hears it: the customer's language first (or alone), and
the apology that opens a long wait's call.

The clips are real espeak-ng speech and the speaker keeps the very PCM it is asked to play,
so each test compares the sound played with the sound of each language's words, built
from the config's wording rather than from the announcer's own choice of parts.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from audio.announcer import LANGUAGE_GAP_S, REPEAT_GAP_S, Announcer, join_words, spoken_parts
from audio.clips import ClipLibrary
from audio.pcm import RATE, silence
from audio.player import CHIME, WORDS
from audio.reading import phonemes
from audio.tts import EspeakNg
from config import EXAMPLE, Config, load_config
from lobby.contract import CallEvent, parse_call
from lobby.speech import Spoken, spoken_part
from screen.voice import needed_tokens, voices

APOLOGY = {"zh": "让您久等了", "en": "Thank you for waiting"}


class KeepingSpeaker:
    """Keeps every PCM it is asked to play, with its channel, in order."""

    def __init__(self) -> None:
        self.ready = True
        self.played: list[tuple[int, bytes]] = []

    def play(self, channel: int, pcm: bytes, volume: float) -> float:
        self.played.append((channel, pcm))
        return len(pcm) / (RATE * 2)

    def words(self) -> list[bytes]:
        return [pcm for channel, pcm in self.played if channel == WORDS]


def configured(**audio: Any) -> Config:
    config = load_config(EXAMPLE)
    return dataclasses.replace(config, audio=dataclasses.replace(config.audio, **audio))


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> ClipLibrary:
    config = configured(apology_after_s=900)
    library = ClipLibrary(
        lambda: [EspeakNg()], voices(config), {"zh": 200, "en": 160}, tmp_path_factory.mktemp("c")
    )
    for language, tokens in needed_tokens(config).items():
        for token in tokens:
            assert library.synthesize_now(language, token) is not None, token
    return library


def call(ticket: str = "A023", kind: str = "call", call_id: str = "c-1", **more: Any) -> CallEvent:
    body = {
        "v": 1,
        "id": call_id,
        "ticket": ticket,
        "counter": "3",
        "service": "general",
        "kind": kind,
        "ts": "2026-11-25T10:00:00+08:00",
        **more,
    }
    return parse_call(json.dumps(body).encode())


def words_of(language: str, ticket: str = "A023") -> Spoken:
    """The call's words in one language, from the example's wording (3号窗口 / Counter 3)."""
    config = load_config(EXAMPLE)
    name = {"zh": "3号窗口", "en": "Counter 3"}[language]
    return spoken_part(language, config.audio.templates[language], ticket, name)


def sorry(language: str) -> Spoken:
    return Spoken(language, (APOLOGY[language],))


def heard(config: Config, clips: ClipLibrary, *calls: CallEvent) -> list[bytes]:
    """Every repetition of the words played for these calls, in order."""
    speaker = KeepingSpeaker()
    announcer = Announcer(config, clips, speaker)
    t = 0.0
    for event in calls:
        announcer.announce(event, t)
    while t < 120.0 and (announcer.busy or announcer.backlog):
        announcer.tick(t, "10:00")
        t = round(t + 0.05, 3)
    assert sum(1 for channel, _ in speaker.played if channel == CHIME) == len(calls)
    return speaker.words()


def said(clips: ClipLibrary, *parts: Spoken) -> bytes:
    pcm = join_words(clips, list(parts))
    assert pcm
    return pcm


def again(pcm: bytes) -> bytes:
    return silence(REPEAT_GAP_S) + pcm


def test_a_ticket_taken_in_english_is_called_in_english_first(clips) -> None:
    english_first = said(clips, words_of("en"), words_of("zh"))
    rounds = heard(configured(), clips, call(lang="en"))
    assert rounds == [english_first, again(english_first)]
    english = said(clips, words_of("en"))
    assert rounds[0][: len(english)] == english  # the first words the lobby hears
    assert rounds[0][len(english) : len(english) + len(silence(LANGUAGE_GAP_S))] == silence(
        LANGUAGE_GAP_S
    )


def test_without_a_choice_or_with_one_the_site_does_not_speak_the_order_is_the_sites(
    clips,
) -> None:
    usual = said(clips, words_of("zh"), words_of("en"))
    for event in (call(), call(lang="fr"), call(lang="zh")):
        assert heard(configured(), clips, event) == [usual, again(usual)], event.lang


def test_only_says_the_customers_language_and_ignore_keeps_the_sites_order(clips) -> None:
    english = said(clips, words_of("en"))
    assert heard(configured(customer_language="only"), clips, call(lang="en")) == [
        english,
        again(english),
    ]
    both = said(clips, words_of("zh"), words_of("en"))
    assert heard(configured(customer_language="only"), clips, call()) == [both, again(both)]
    assert heard(configured(customer_language="ignore"), clips, call(lang="en")) == [
        both,
        again(both),
    ]


def test_a_long_wait_opens_each_language_with_the_apology_in_the_first_round_only(
    clips,
) -> None:
    config = configured(apology_after_s=900)
    first = said(clips, sorry("zh"), words_of("zh"), sorry("en"), words_of("en"))
    plain = said(clips, words_of("zh"), words_of("en"))
    assert heard(config, clips, call(waited_s=1200)) == [first, again(plain)]
    assert heard(config, clips, call(waited_s=900))[0] == first  # at the limit: apologised
    english_first = said(clips, sorry("en"), words_of("en"), sorry("zh"), words_of("zh"))
    assert heard(config, clips, call(waited_s=3600, lang="en"))[0] == english_first


def test_a_short_wait_a_recall_an_unsaid_wait_or_no_limit_get_no_apology(clips) -> None:
    plain = said(clips, words_of("zh"), words_of("en"))
    config = configured(apology_after_s=900)
    for event in (
        call(waited_s=899),
        call(kind="recall", waited_s=3600),  # the customer heard it the first time
        call(),  # an engine that does not say the wait
    ):
        assert heard(config, clips, event) == [plain, again(plain)], event
    assert heard(configured(apology_after_s=0), clips, call(waited_s=3600)) == [plain, again(plain)]


def test_the_apology_is_a_sentence_before_the_call(clips) -> None:
    """Heard, the apology ends and the call begins after a pause as long as the one between
    two languages, not run into the ticket's first word."""
    config = configured(apology_after_s=900)
    first = heard(config, clips, call(waited_s=1200))[0]
    apology = clips.get("zh", APOLOGY["zh"])
    assert apology is not None and first.startswith(apology)
    gap = silence(LANGUAGE_GAP_S)
    assert first[len(apology) : len(apology) + len(gap)] == gap
    assert first[len(apology) + len(gap) :].startswith(said(clips, words_of("zh")))


def test_a_flood_with_apologies_and_languages_is_said_in_order_none_lost_silently(
    clips, caplog
) -> None:
    config = configured(apology_after_s=900)
    speaker, spoken = KeepingSpeaker(), []
    announcer = Announcer(config, clips, speaker, spoken.append)
    arrivals = {
        round(i * 0.1, 2): call(
            f"A{i:03d}", call_id=f"f{i:03d}", lang=("en", "zh", None)[i % 3], waited_s=600 * i
        )
        for i in range(80)
    }
    t = 0.0
    with caplog.at_level("WARNING"):
        while t <= 150.0:
            for at in [a for a in arrivals if a <= t]:
                announcer.announce(arrivals.pop(at), t)
            announcer.tick(t, "10:00")
            t = round(t + 0.05, 3)
    assert spoken == sorted(spoken)  # in the order they came
    assert len(spoken) + announcer.skipped == 80 and announcer.skipped > 0
    assert "calls came faster than speech" in caplog.text


def test_english_says_oh_for_a_zero_digit_when_told(clips) -> None:
    config = configured(zero="oh")
    english = spoken_parts(config, call())[1]
    assert english.tokens == ("Customer", "A", "oh", "two", "three", "please go to", "Counter 3")
    assert phonemes("oh", voices(config)["en"]) == "'oU"  # "oh", not "zero" (z'i@roU)
    oh, zero = clips.synthesize_now("en", "oh"), clips.get("en", "zero")
    assert oh and zero and len(oh) < 0.8 * len(zero)  # one syllable for two
    rounds = heard(config, clips, call())
    assert rounds[0] == said(clips, words_of("zh"), english)
    assert rounds[0] != said(clips, words_of("zh"), words_of("en"))
    mandarin = spoken_parts(config, call())[0]
    assert mandarin.tokens[1:5] == ("A", "零", "二", "三")  # Mandarin keeps its 零


def test_the_apology_is_among_the_words_synthesised_at_start() -> None:
    wanted = needed_tokens(configured(apology_after_s=900))
    assert APOLOGY["zh"] in wanted["zh"] and APOLOGY["en"] in wanted["en"]
    never = needed_tokens(configured(apology_after_s=0))
    assert APOLOGY["zh"] not in never["zh"] and APOLOGY["en"] not in never["en"]
