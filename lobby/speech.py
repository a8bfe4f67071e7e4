"""What an announcement says, as words the speaker can play from a cache of clips.

An announcement is a chime and then, in each language, the template with the ticket and the
counter filled in; all of it said ``repeat`` times. The words are cut into *tokens* (the
template's fixed phrases, the ticket's letters and digits, the counter's spoken name), each
synthesised once and kept, so a call is spoken without waiting for speech synthesis.

Whose language first: a ticket taken in a language the site speaks is called in that
language first (or only), the others after it in the configured order (``speaking_order``).
A call whose ticket waited long opens, in each language, with an apology (``apologises``).

Numbers: every Chinese language (Mandarin, Cantonese, …: ``is_chinese``) reads a ticket with
the Chinese numerals, any other with the English words unless told otherwise. Read digit by
digit, 2 is 二 and 0 is 零 (A 零 二 三), as a ticket is spelt out; English says "zero" or, by
config, "oh". Read whole, 2 leading a hundred or a thousand is 两 (两百, 两千, 两千二百) and 二
everywhere else (二, 十二, 二十, 一百零二, 一千二百): the numeral as a person says an amount.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

DIGITS = {
    "zh": ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
EN_TEENS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
DEFAULT_TEMPLATES = {
    "zh": "请{ticket}号客户到{counter}办理业务",
    "en": "Customer {ticket}, please go to {counter}.",
}
DEFAULT_APOLOGIES = {
    "zh": "让您久等了",
    # Cantonese: 让您久等了 read in Cantonese ends on a bookish 了 (liu5); this is how a
    # Cantonese speaker thanks someone for waiting, in characters the yue voice reads right.
    "yue": "多谢您耐心等候",
    "en": "Thank you for waiting.",
}
CHINESE = ("zh", "cmn", "yue", "wuu", "hak", "nan", "gan", "hsn")
"""Language codes (ISO 639) whose numbers are Chinese numerals: Chinese and its languages."""
READINGS = ("digits", "whole")
ZEROS = ("zero", "oh")
"""How English reads the digit 0 in a ticket read digit by digit."""
CUSTOMER_LANGUAGE = ("first", "only", "ignore")
"""What the customer's chosen language does to a call: said first, said alone, or nothing."""
_TICKET_RE = re.compile(r"([A-Z]{0,2})([0-9]{1,4})")


@dataclass(frozen=True)
class Spoken:
    """One language's part of an announcement: the tokens to play, in order."""

    language: str
    tokens: tuple[str, ...]


def is_chinese(language: str) -> bool:
    """A Chinese language (zh, zh-HK, cmn, yue…): Chinese numerals, Chinese defaults."""
    return language.split("-")[0].lower() in CHINESE


def default_template(language: str) -> str | None:
    """The lobby's usual wording in a language (a Chinese language reads the Chinese one),
    or None: a language of its own needs a template in the config."""
    found = DEFAULT_TEMPLATES.get(language)
    if found is None and is_chinese(language):
        return DEFAULT_TEMPLATES["zh"]
    return found


def default_apology(language: str) -> str | None:
    """The apology a long wait opens with, in a language, or None (the config must say)."""
    found = DEFAULT_APOLOGIES.get(language)
    if found is None and is_chinese(language):
        return DEFAULT_APOLOGIES["zh"]
    return found


def _digit_words(language: str, zero: str = "zero") -> tuple[str, ...]:
    if is_chinese(language):
        return DIGITS["zh"]
    digits = DIGITS.get(language, DIGITS["en"])
    return (zero, *digits[1:]) if digits is DIGITS["en"] else digits


def speaking_order(
    languages: tuple[str, ...], customer: str | None, policy: str = "first"
) -> tuple[str, ...]:
    """The languages a call is said in, in order: the customer's first (``first``) or alone
    (``only``) when the site speaks it, else the configured order. A customer's ``en-GB``
    finds the site's ``en``."""
    chosen = _spoken_as(languages, customer) if policy != "ignore" else None
    if chosen is None:
        return languages
    if policy == "only":
        return (chosen,)
    return (chosen, *(language for language in languages if language != chosen))


def _spoken_as(languages: tuple[str, ...], customer: str | None) -> str | None:
    if not customer:
        return None
    if customer in languages:
        return customer
    base = customer.split("-")[0].lower()
    return next((lang for lang in languages if lang.split("-")[0].lower() == base), None)


def apologises(kind: str, waited_s: int | None, after_s: int) -> bool:
    """Whether a call opens with the apology: a first call (not a recall: the customer has
    heard it once already) whose ticket waited at least ``after_s`` (0: never)."""
    return after_s > 0 and kind == "call" and waited_s is not None and waited_s >= after_s


def template_fields(template: str) -> set[str]:
    """The ``{fields}`` a template uses (the config loader allows ticket and counter only)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _zh_whole(number: int) -> list[str]:
    """Chinese reading of 0-9999: 二十三, 一百零五, 两百, 两千二百 (as callers say it)."""
    if number == 0:
        return ["零"]
    digits = DIGITS["zh"]
    out: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero_gap = False
    for value, unit in units:
        digit = number // value % 10
        if digit == 0:
            zero_gap = bool(out)
            continue
        if zero_gap:
            out.append("零")
            zero_gap = False
        if value == 10 and digit == 1 and not out:
            out.append("十")  # 十五, not 一十五
            continue
        word = "两" if digit == 2 and value >= 100 and not out else digits[digit]
        out.extend([word, unit] if unit else [word])
    return out


def _en_whole(number: int) -> list[str]:
    """English reading of 0-9999: twenty three, one hundred five."""
    if number == 0:
        return ["zero"]
    out: list[str] = []
    if number >= 1000:
        out += [DIGITS["en"][number // 1000], "thousand"]
    if number % 1000 >= 100:
        out += [DIGITS["en"][number // 100 % 10], "hundred"]
    rest = number % 100
    if rest >= 20:
        out.append(EN_TENS[rest // 10])
        if rest % 10:
            out.append(DIGITS["en"][rest % 10])
    elif rest >= 10:
        out.append(EN_TEENS[rest - 10])
    elif rest:
        out.append(DIGITS["en"][rest])
    return out


def ticket_tokens(
    ticket: str, language: str, reading: str = "digits", zero: str = "zero"
) -> list[str]:
    """How a ticket is read: its letters, then each digit ("A 零 二 三") or the whole number;
    ``zero`` is the English word for a 0 read as a digit ("zero" or "oh")."""
    match = _TICKET_RE.fullmatch(ticket)
    if match is None:
        raise ValueError(f"not a ticket: {ticket!r}")
    letters, number = match.groups()
    tokens = list(letters)
    digits = _digit_words(language, zero)
    if reading == "whole":
        whole = _zh_whole if is_chinese(language) else _en_whole
        tokens += whole(int(number))
    else:
        tokens += [digits[int(d)] for d in number]
    return tokens


def _split_template(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field or None) pieces, in order."""
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


def phrase_tokens(text: str) -> list[str]:
    """A fixed phrase as tokens: trimmed, with the punctuation kept out of the clips."""
    cleaned = text.strip(" ,.，。、;；:：")
    return [cleaned] if cleaned else []


def spoken_part(
    language: str,
    template: str,
    ticket: str,
    counter_name: str,
    reading: str = "digits",
    zero: str = "zero",
) -> Spoken:
    """One language's words for a call."""
    tokens: list[str] = []
    for literal, field in _split_template(template):
        tokens += phrase_tokens(literal)
        if field == "ticket":
            tokens += ticket_tokens(ticket, language, reading, zero)
        elif field == "counter":
            tokens += phrase_tokens(counter_name)
    return Spoken(language, tuple(tokens))


def apology_part(language: str, apology: str) -> Spoken:
    """The apology a long wait opens with: one phrase, said before the call in its language."""
    return Spoken(language, tuple(phrase_tokens(apology)))


def all_tokens(
    language: str,
    template: str,
    prefixes: list[str],
    counter_names: list[str],
    reading: str = "digits",
    zero: str = "zero",
    apology: str = "",
) -> set[str]:
    """Every token a language can need, to synthesise before the first call."""
    tokens: set[str] = set(phrase_tokens(apology))
    for literal, _field in _split_template(template):
        tokens.update(phrase_tokens(literal))
    for prefix in prefixes:
        tokens.update(prefix)
    tokens.update(_digit_words(language, zero))
    if reading == "whole":
        tokens.update(
            ["十", "百", "千", "两"]
            if is_chinese(language)
            else [*DIGITS["en"], *EN_TEENS, *EN_TENS[2:], "hundred", "thousand"]
        )
    for name in counter_names:
        tokens.update(phrase_tokens(name))
    return tokens


def repeats_for(backlog: int, repeat: int) -> int:
    """The backlog policy: say a call ``repeat`` times, but once while others are waiting.

    No call is ever dropped: when calls come faster than they can be said, each is said
    once until the queue has caught up, so the wait for the last one stays short.
    """
    return 1 if backlog > 0 else repeat
