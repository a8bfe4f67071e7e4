"""How a call is read out: the words, before any sound."""

from __future__ import annotations

import re

import pytest

from lobby.speech import (
    DIGITS,
    EN_TEENS,
    EN_TENS,
    READINGS,
    Spoken,
    all_tokens,
    repeats_for,
    spoken_part,
    template_fields,
    ticket_tokens,
)

ZH = "请{ticket}号客户到{counter}办理业务"
EN = "Customer {ticket}, please go to {counter}."


@pytest.mark.parametrize(
    ("ticket", "language", "reading", "expected"),
    [
        ("A023", "zh", "digits", ["A", "零", "二", "三"]),
        ("A023", "en", "digits", ["A", "zero", "two", "three"]),
        ("V2", "zh", "digits", ["V", "二"]),
        ("1001", "en", "digits", ["one", "zero", "zero", "one"]),
        ("A023", "zh", "whole", ["A", "二", "十", "三"]),
        ("A105", "zh", "whole", ["A", "一", "百", "零", "五"]),
        ("A015", "zh", "whole", ["A", "十", "五"]),
        ("A110", "zh", "whole", ["A", "一", "百", "一", "十"]),
        ("B2000", "zh", "whole", ["B", "两", "千"]),
        ("A023", "en", "whole", ["A", "twenty", "three"]),
        ("A105", "en", "whole", ["A", "one", "hundred", "five"]),
        ("A013", "en", "whole", ["A", "thirteen"]),
        (
            "AB9999",
            "en",
            "whole",
            ["A", "B", "nine", "thousand", "nine", "hundred", "ninety", "nine"],
        ),
        ("A000", "en", "whole", ["A", "zero"]),
    ],
)
def test_tickets_are_read_letter_by_letter_then_by_digit_or_whole(
    ticket: str, language: str, reading: str, expected: list[str]
) -> None:
    assert ticket_tokens(ticket, language, reading) == expected


def test_the_lobby_wording_in_each_language() -> None:
    zh = spoken_part("zh", ZH, "A023", "3号窗口")
    en = spoken_part("en", EN, "A023", "Counter 3")
    assert "".join(zh.tokens) == "请A零二三号客户到3号窗口办理业务"
    assert zh.tokens == ("请", "A", "零", "二", "三", "号客户到", "3号窗口", "办理业务")
    assert en.tokens == ("Customer", "A", "zero", "two", "three", "please go to", "Counter 3")


def test_every_token_a_lobby_needs_is_known_before_the_first_call() -> None:
    tokens = all_tokens("zh", ZH, ["A", "C", "V", "AB"], ["1号窗口", "3号窗口"])
    for ticket in ("A023", "C999", "V000", "AB12"):
        part = spoken_part("zh", ZH, ticket, "3号窗口")
        assert set(part.tokens) <= tokens, ticket
    whole = all_tokens("en", EN, ["A"], ["Counter 3"], "whole")
    assert set(spoken_part("en", EN, "A9817", "Counter 3", "whole").tokens) <= whole


def test_a_backlog_shortens_announcements_but_never_drops_one() -> None:
    assert repeats_for(backlog=0, repeat=2) == 2
    assert repeats_for(backlog=1, repeat=2) == 1
    assert repeats_for(backlog=9, repeat=3) == 1


# Every number a ticket can carry, read whole, checked against how the lobby says numbers.

EN_VALUES = {
    **{word: i for i, word in enumerate(DIGITS["en"])},
    **{word: 10 + i for i, word in enumerate(EN_TEENS)},
    **{word: 10 * i for i, word in enumerate(EN_TENS) if word},
}
ZH_VALUES = {**{word: i for i, word in enumerate(DIGITS["zh"])}, "两": 2}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


def english_value(words: list[str]) -> int:
    total = current = 0
    for word in words:
        if word == "thousand":
            total, current = total + current * 1000, 0
        elif word == "hundred":
            current *= 100
        else:
            current += EN_VALUES[word]
    return total + current


def mandarin_value(words: list[str]) -> int:
    total = current = 0
    for word in words:
        if word in ZH_UNITS:
            total, current = total + (current or 1) * ZH_UNITS[word], 0
        else:
            current = ZH_VALUES[word]
    return total + current


def gaps_of_zeros(number: int) -> int:
    """How many runs of zeros sit between non-zero digits: each is said as one 零."""
    return len(re.findall("0+", str(number).rstrip("0")))


NUMBERS = range(10**4)


def test_every_number_reads_whole_in_english_as_that_number() -> None:
    for number in NUMBERS:
        words = ticket_tokens(f"A{number}", "en", "whole")
        assert words[0] == "A"
        assert english_value(words[1:]) == number, words
        assert ("zero" in words) == (number == 0), words  # "twenty", never "twenty zero"


def test_every_number_reads_whole_in_mandarin_as_callers_say_it() -> None:
    for number in NUMBERS:
        words = ticket_tokens(f"V{number:04d}", "zh", "whole")[1:]
        assert mandarin_value(words) == number, words
        if number == 0:
            assert words == ["零"]
            continue
        assert words.count("零") == gaps_of_zeros(number), words  # 一千零二十三
        assert ("两" in words) == (number // 1000 == 2), words  # 两千, but 二百 and 二十
        if 10 <= number <= 19:
            assert words[0] == "十", words  # 十五, not 一十五


@pytest.mark.parametrize("language", ["zh", "en", "fr"])
def test_read_by_digit_every_digit_is_said_in_the_language_or_else_in_english(
    language: str,
) -> None:
    digits = DIGITS.get(language, DIGITS["en"])
    for number in ("0", "7", "023", "1001", "9999"):
        assert ticket_tokens(f"AB{number}", language) == [
            "A",
            "B",
            *(digits[int(d)] for d in number),
        ]
    assert ticket_tokens("A23", "fr", "whole") == ["A", "twenty", "three"]


def test_what_is_not_a_ticket_is_not_read() -> None:
    for text in ("a1", "A12345", "ABC1", ""):
        with pytest.raises(ValueError, match=f"^not a ticket: {re.escape(repr(text))}$"):
            ticket_tokens(text, "en")


@pytest.mark.parametrize(
    ("language", "template"), [("zh", ZH), ("en", EN), ("fr", "Client {ticket}, guichet {counter}")]
)
@pytest.mark.parametrize("reading", READINGS)
def test_every_word_any_call_can_need_is_known_before_the_first_call(
    language: str, template: str, reading: str
) -> None:
    known = all_tokens(language, template, ["A", "VB"], ["3号窗口", "Counter 3"], reading)
    needed: set[str] = set()
    for number in NUMBERS:
        needed.update(ticket_tokens(f"VB{number}", language, reading))
    for name in ("3号窗口", "Counter 3"):
        needed.update(spoken_part(language, template, "A1", name, reading).tokens)
    assert needed <= known, sorted(needed - known)


def test_a_call_read_whole_in_each_language() -> None:
    en = spoken_part("en", EN, "A023", "Counter 3", "whole")
    zh = spoken_part("zh", ZH, "A023", "3号窗口", "whole")
    assert en == Spoken("en", ("Customer", "A", "twenty", "three", "please go to", "Counter 3"))
    assert zh == Spoken("zh", ("请", "A", "二", "十", "三", "号客户到", "3号窗口", "办理业务"))


def test_a_counters_name_is_said_whole_without_the_punctuation_around_it() -> None:
    assert spoken_part("en", "{counter}", "A1", "Window X").tokens == ("Window X",)
    assert spoken_part("en", "Go to {counter}.", "A1", " , Counter 3。").tokens == (
        "Go to",
        "Counter 3",
    )
    assert spoken_part("en", "{ticket}", "A1", "").tokens == ("A", "one")


def test_the_fields_a_template_uses() -> None:
    assert template_fields(ZH) == {"ticket", "counter"}
    assert template_fields("Customer {ticket}") == {"ticket"}
    assert template_fields("Thank you for waiting") == set()
