"""Whether a voice reads its language, judged by espeak-ng's own phonemes.

espeak-ng 1.51's ``cmn`` voice reads Latin letters as English, and its Mandarin dictionary
gives most characters as pinyin in Latin letters: so 号 comes out as English "hao four"
(``(en)heI11@11fo@11``), and a lobby hears nothing it understands. ``espeak-ng -x`` marks
every such change of language, ``(en)``; ``cmn-latn-pinyin`` reads that pinyin as Mandarin
and shows none. What a voice says is checked here, not merely that the voice exists.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from audio.tts import TIMEOUT_S, TtsError

LANGUAGE_NAMES = {"zh": "Mandarin", "en": "English", "cmn": "Mandarin", "yue": "Cantonese"}
_SWITCH_RE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)")
_TONE_RE = re.compile(r"[1-5]{2,3}")  # espeak-ng's Mandarin tones: 55, 35, 214, 21, 51, 11
# espeak-ng's Cantonese (yue) writes a syllable in small letters with one tone digit inside
# it: c'ing2, j'a1t, s'aa7m, 'ng4 (an English or Mandarin reading has capitals, ':' or '@').
_CANTONESE_RE = re.compile(r"(?:[a-z']+[1-9][a-z]*)+")
LETTERS_SAID_IN = {"yue": "en"}
"""Languages whose speakers say a ticket's Latin letters in another language: Cantonese says
A, B, V in English, and espeak-ng's yue switches to English for them, as it should."""

SAY_AS: dict[str, dict[str, str]] = {
    # espeak-ng 1.51's Mandarin dictionary gives these the neutral tone (务 wu11, 诉 su11):
    # 业务 and 申诉 then sound clipped. The voice reads pinyin as Mandarin, so they are said
    # as pinyin with the full tone; tests/audio/test_reading.py holds each to its reading.
    "cmn-latn-pinyin": {"务": "wu4", "诉": "su4"},
}


def said_as(voice: str, text: str) -> str:
    """The text handed to the speech engine for ``text``: the same, but for the characters
    that voice is known to misread, spelt so it reads them right."""
    table = SAY_AS.get(voice.lower())
    if not table or not any(ch in table for ch in text):
        return text
    spelt = "".join(f" {table[ch]} " if ch in table else ch for ch in text)
    return " ".join(spelt.split())


def phonemes(text: str, voice: str, binary: str | None = None) -> str:
    """espeak-ng's phonemes for ``text`` (``espeak-ng -q -x``), clauses joined by spaces."""
    found = binary or shutil.which("espeak-ng")
    if found is None:
        raise TtsError("espeak-ng is not installed: sudo apt install espeak-ng")
    try:
        result = subprocess.run(
            [found, "-q", "-x", "-v", voice, "--", text],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TtsError(f"espeak-ng took over {TIMEOUT_S:.0f} s for {text!r}") from None
    if result.returncode != 0 or "does not exist" in result.stderr:
        reason = result.stderr.strip() or f"exit code {result.returncode}"
        raise TtsError(f"espeak-ng voice {voice!r}: {reason}")
    return " ".join(result.stdout.split())


def switches(said: str) -> list[str]:
    """The languages espeak-ng switched to while reading (``(en)``, and ``(cmn)`` back)."""
    return _SWITCH_RE.findall(said)


def mandarin_syllables(said: str) -> bool:
    """Every word carries a Mandarin tone: what a Mandarin voice's ``-x`` output looks like
    (an English voice reads a character as "Chinese letter", with no tone and no switch)."""
    words = [w for w in said.replace("_|", " ").split() if w]
    return bool(words) and all(_TONE_RE.search(w) for w in words)


def cantonese_syllables(said: str) -> bool:
    """Every word is Cantonese syllables, each with its tone: a yue voice's ``-x`` output."""
    words = [w for w in said.replace("_|", " ").split() if w]
    return bool(words) and all(_CANTONESE_RE.fullmatch(w) for w in words)


SYLLABLES: dict[str, tuple[str, Callable[[str], bool]]] = {
    "zh": ("Mandarin", mandarin_syllables),
    "cmn": ("Mandarin", mandarin_syllables),
    "yue": ("Cantonese", cantonese_syllables),
}
"""What each tonal language's syllables look like in espeak-ng's phonemes."""


@dataclass(frozen=True)
class Reading:
    """How a voice reads one token the product says: the text as said, and its phonemes."""

    token: str
    said: str
    phonemes: str

    def wrong_for(self, language: str) -> str:
        """How this is not read as ``language`` ("in English (en)"), or "" when it is."""
        if not self.phonemes:
            return "as silence"
        base = language.split("-")[0].lower()
        letters = self.token.isascii() and self.token.isalpha() and len(self.token) <= 2
        letters_in = LETTERS_SAID_IN.get(base, base) if letters else base
        others = [
            code
            for code in switches(self.phonemes)
            if not _same(code, language) and not _same(code, letters_in)
        ]
        if others:
            name = LANGUAGE_NAMES.get(others[0].split("-")[0].lower(), "another language")
            return f"in {name} ({others[0]})"
        if letters_in != base and switches(self.phonemes):
            return ""  # a letter said in the language its speakers say it in
        tonal = SYLLABLES.get(base)
        if tonal is None:
            return "as Mandarin syllables" if mandarin_syllables(self.phonemes) else ""
        name, syllables = tonal
        return "" if syllables(self.phonemes) else f"without {name} tones"


def _same(code: str, language: str) -> bool:
    base, wanted = code.lower().split("-")[0], language.lower().split("-")[0]
    return base == wanted or {base, wanted} <= {"zh", "cmn"}


def read(voice: str, tokens: Iterable[str], binary: str | None = None) -> list[Reading]:
    """Each token as the product says it, through espeak-ng's phoneme output."""
    readings = []
    for token in tokens:
        said = said_as(voice, token)
        readings.append(Reading(token, said, phonemes(said, voice, binary)))
    return readings


def misreading(language: str, voice: str, tokens: Iterable[str], binary: str | None = None) -> str:
    """Why ``voice`` does not read these tokens as ``language``, in one phrase ("" if it does).

    ``TtsError`` when espeak-ng or the voice is missing.
    """
    wrong: dict[str, list[str]] = {}
    for reading in read(voice, tokens, binary):
        why = reading.wrong_for(language)
        if why:
            wrong.setdefault(why, []).append(reading.token)
    if not wrong:
        return ""
    parts = []
    for why, which in wrong.items():
        shown = ", ".join(which[:4]) + (f" and {len(which) - 4} more" if len(which) > 4 else "")
        parts.append(f"reads {shown} {why}")
    return "; ".join(parts)
