"""The lobby's fixed wording: every phrase in every language the board can show."""

from __future__ import annotations

from datetime import datetime

import pytest

from lobby.wording import WORDED_LANGUAGES, WORDS, date_text, words


def test_every_phrase_has_a_wording_in_each_language_the_board_shows() -> None:
    assert WORDED_LANGUAGES == ("zh", "en")
    for key, table in WORDS.items():
        assert all(table[lang].strip() for lang in WORDED_LANGUAGES), key


def test_a_phrase_comes_in_the_configured_languages_in_their_order() -> None:
    assert words("go_to", ("en", "zh"), counter="3") == ["Please go to 3", "请到 3"]
    assert words("welcome", ("zh",)) == ["欢迎光临"]
    assert words("welcome", ("fr", "en")) == ["Welcome"]  # a language without it is left out


@pytest.mark.parametrize(
    ("wall", "zh", "en"),
    [
        (datetime(2026, 11, 24, 9, 30), "11月24日 星期二", "Tue 24 Nov"),
        (datetime(2027, 1, 3), "1月3日 星期日", "Sun 3 Jan"),
        (datetime(2026, 12, 31), "12月31日 星期四", "Thu 31 Dec"),
    ],
)
def test_the_date_as_each_language_writes_it(wall: datetime, zh: str, en: str) -> None:
    assert (date_text(wall, "zh"), date_text(wall, "en")) == (zh, en)
