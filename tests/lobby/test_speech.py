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
    apologises,
    apology_part,
    default_apology,
    default_template,
    is_chinese,
    repeats_for,
    speaking_order,
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
        ("A200", "zh", "whole", ["A", "两", "百"]),
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
        leads_a_hundred = str(number)[0] == "2" and number >= 200
        assert words.count("两") == leads_a_hundred, words  # 两百, 两千; 二十, 一千二百
        assert (words[0] == "两") == leads_a_hundred, words
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


# 二 or 两: the whole number as a Mandarin (or Cantonese) speaker says an amount; a ticket
# read digit by digit keeps 二 and 零, as a number is spelt out.
@pytest.mark.parametrize(
    ("number", "said"),
    [
        (2, "二"),  # "二号", never "两号": a ticket's number is a label, not a count
        (12, "十二"),
        (20, "二十"),
        (22, "二十二"),
        (102, "一百零二"),
        (112, "一百一十二"),
        (200, "两百"),
        (202, "两百零二"),
        (220, "两百二十"),
        (1200, "一千二百"),
        (1020, "一千零二十"),
        (2000, "两千"),
        (2002, "两千零二"),
        (2222, "两千二百二十二"),
    ],
)
@pytest.mark.parametrize("language", ["zh", "yue", "cmn", "zh-HK"])
def test_two_is_liang_only_leading_a_hundred_or_a_thousand(
    number: int, said: str, language: str
) -> None:
    assert "".join(ticket_tokens(f"A{number:03d}", language, "whole")[1:]) == said


@pytest.mark.parametrize("language", ["zh", "yue"])
def test_read_by_digit_two_stays_er_and_zero_ling(language: str) -> None:
    assert ticket_tokens("A202", language) == ["A", "二", "零", "二"]
    assert ticket_tokens("B2000", language, zero="oh") == ["B", "二", "零", "零", "零"]


def test_english_says_zero_or_oh_for_a_digit_as_configured_and_a_whole_number_as_it_is() -> None:
    assert ticket_tokens("A023", "en") == ["A", "zero", "two", "three"]
    assert ticket_tokens("A023", "en", zero="oh") == ["A", "oh", "two", "three"]
    assert ticket_tokens("A100", "en", zero="oh") == ["A", "one", "oh", "oh"]
    assert ticket_tokens("A100", "en", "whole", zero="oh") == ["A", "one", "hundred"]
    assert ticket_tokens("A000", "en", "whole", zero="oh") == ["A", "zero"]
    digits = all_tokens("en", EN, ["A"], ["Counter 3"], zero="oh")
    assert "oh" in digits and "zero" not in digits
    whole = all_tokens("en", EN, ["A"], ["Counter 3"], "whole", zero="oh")
    assert {"zero", "one", "hundred"} <= whole  # A000 read whole is still "zero"


def test_chinese_languages_share_the_numerals_and_the_wording() -> None:
    assert [is_chinese(code) for code in ("zh", "zh-HK", "cmn", "yue", "en", "ja")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert default_template("yue") == default_template("zh") == ZH
    assert default_template("fr") is None
    assert default_apology("yue") == "多谢您耐心等候"
    assert default_apology("cmn") == "让您久等了"
    assert default_apology("fr") is None
    assert all_tokens("yue", ZH, ["A"], ["3号窗口"]) >= {"零", "二", "请", "号客户到", "3号窗口"}
    assert spoken_part("yue", ZH, "A023", "3号窗口").tokens == (
        "请",
        "A",
        "零",
        "二",
        "三",
        "号客户到",
        "3号窗口",
        "办理业务",
    )


SITE = ("zh", "en")


@pytest.mark.parametrize(
    ("languages", "customer", "policy", "order"),
    [
        (SITE, "en", "first", ("en", "zh")),
        (SITE, "zh", "first", ("zh", "en")),
        (SITE, "en", "only", ("en",)),
        (SITE, "en", "ignore", ("zh", "en")),
        (SITE, None, "first", ("zh", "en")),  # no choice made: the site's order
        (SITE, None, "only", ("zh", "en")),
        (SITE, "fr", "only", ("zh", "en")),  # a language the site does not speak
        (SITE, "en-GB", "first", ("en", "zh")),
        (("yue", "zh", "en"), "en", "first", ("en", "yue", "zh")),
        (("yue", "zh", "en"), "zh", "first", ("zh", "yue", "en")),
        (("yue", "zh", "en"), "yue", "only", ("yue",)),
    ],
)
def test_the_customers_language_is_said_first_or_only(languages, customer, policy, order) -> None:
    assert speaking_order(languages, customer, policy) == order


@pytest.mark.parametrize(
    ("kind", "waited_s", "after_s", "sorry"),
    [
        ("call", 900, 900, True),
        ("call", 3600, 900, True),
        ("call", 899, 900, False),
        ("call", None, 900, False),  # an engine that does not say the wait
        ("recall", 3600, 900, False),  # said once already
        ("call", 3600, 0, False),  # 0: never
    ],
)
def test_a_long_wait_is_apologised_for_once(kind, waited_s, after_s, sorry) -> None:
    assert apologises(kind, waited_s, after_s) is sorry


def test_the_apology_is_a_phrase_of_its_own_and_known_before_the_first_call() -> None:
    thanks = Spoken("en", ("Thank you for waiting",))
    assert apology_part("en", " Thank you for waiting. ") == thanks
    assert apology_part("zh", "让您久等了。").tokens == ("让您久等了",)
    known = all_tokens("zh", ZH, ["A"], ["3号窗口"], apology="让您久等了。")
    assert "让您久等了" in known
