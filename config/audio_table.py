"""The ``[audio]`` table: the voice that calls the numbers, its wording, and its quiet hours."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.plugins import TTS_ENGINES, names
from config.reader import LANGUAGE_RE, Reader
from config.settings import DEFAULT_VOICES, AudioSettings, QuietHours
from lobby.speech import (
    CUSTOMER_LANGUAGE,
    DEFAULT_TEMPLATES,
    READINGS,
    ZEROS,
    default_apology,
    template_fields,
)

HHMM_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
VOICE_RE = re.compile(r"[A-Za-z0-9_+/-]{1,40}")
SPEAKABLE = tuple(DEFAULT_TEMPLATES)
WORDED = tuple(dict.fromkeys([*DEFAULT_TEMPLATES, *DEFAULT_VOICES]))
"""Languages the voice has a wording and a voice for without being told (zh, en, cmn, yue);
any other it speaks once ``templates`` gives its wording."""
MAX_APOLOGY_CHARS = 80


def _per_language(
    r: Reader, name: str, check: Callable[[str], bool], expected: str
) -> dict[str, str]:
    table: dict[str, Any] = r.get(
        name, lambda v: isinstance(v, dict), f"a table per language of {expected}", {}
    )
    out: dict[str, str] = {}
    for language, value in table.items():
        if not LANGUAGE_RE.fullmatch(language) or not isinstance(value, str) or not check(value):
            r.problem(f"{name}.{language}", value, expected)
        else:
            out[language] = value
    return out


def _apology_ok(text: str) -> bool:
    try:
        fields = template_fields(text)
    except ValueError:
        return False
    return not fields and bool(text.strip()) and len(text) <= MAX_APOLOGY_CHARS


def _template_ok(text: str) -> bool:
    try:
        fields = template_fields(text)
    except ValueError:
        return False
    return "ticket" in fields and fields <= {"ticket", "counter"}


def _quiet(r: Reader) -> QuietHours:
    hours = QuietHours(
        start=r.text("from", "00:00", HHMM_RE, 'a time like "12:00"'),
        end=r.text("to", "00:00", HHMM_RE, 'a time like "13:30"'),
        volume=r.number("volume", 0.0, 0.0, 1.0),
    )
    r.finish()
    return hours


def _rates(r: Reader, languages: tuple[str, ...]) -> dict[str, int]:
    def ok(v: Any) -> bool:
        if isinstance(v, int) and not isinstance(v, bool):
            return 80 <= v <= 400
        return isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and 80 <= n <= 400
            for k, n in v.items()
        )

    value: int | dict[str, int] = r.get(
        "rate", ok, "words per minute from 80 to 400, or a table of them per language", {}
    )
    if isinstance(value, int):
        return {lang: value for lang in (*SPEAKABLE, *languages)}
    return dict(value)


MUSIC_ORDERS = ("shuffle", "folder")


def _apologies(r: Reader, spoken: tuple[str, ...], after_s: int) -> dict[str, str]:
    said = _per_language(
        r,
        "apologies",
        _apology_ok,
        f"a phrase of 1 to {MAX_APOLOGY_CHARS} characters with no {{fields}}",
    )
    for language in spoken if after_s > 0 else ():
        if language not in said and default_apology(language) is None:
            r.problems.append(
                f"{r.key('apologies')}.{language}: missing, expected the apology for a long "
                f"wait in {language} (apology_after_s is {after_s})"
            )
    return said


def _voice_pack(r: Reader, base: Path) -> Path | None:
    """A folder, if it is there: one not there yet (the pack still being recorded or
    copied) leaves the words to speech synthesis, and the voice and doctor say so."""
    path = r.path("voice_pack", base)
    if path is not None and path.exists() and not path.is_dir():
        r.problem("voice_pack", str(path), "a folder of recorded WAV clips, but it is a file")
        return None
    return path


def read_audio(r: Reader, languages: tuple[str, ...], base: Path = Path()) -> AudioSettings:
    """The [audio] table; the voice speaks the board's languages it can, unless told.

    A music folder is only read as a path here: music is an extra, so a folder that is
    missing (a USB stick pulled out) is said at run time and by ``doctor``, and never keeps
    the board from starting."""
    templates = _per_language(
        r, "templates", _template_ok, "wording with {ticket} (and {counter}), no other fields"
    )
    worded = tuple(dict.fromkeys([*WORDED, *templates]))
    spoken = r.languages(
        "languages", worded, "the voice has wording for, or one given a template", False
    )
    if spoken is None:
        spoken = tuple(lang for lang in languages if lang in SPEAKABLE)
    apology_after_s = r.integer("apology_after_s", 0, 0, 86400)
    audio = AudioSettings(
        enabled=r.flag("enabled", True),
        engine=r.get(
            "engine",
            lambda v: v in names(TTS_ENGINES),
            f"a registered speech engine ({', '.join(names(TTS_ENGINES)) or 'none'})",
            "pyttsx3",
        ),
        volume=r.number("volume", 0.8, 0.0, 1.0),
        repeat=r.integer("repeat", 2, 1, 3),
        languages=spoken,
        templates=templates,
        reading=_per_language(r, "reading", lambda v: v in READINGS, '"digits" or "whole"'),
        voices=_per_language(
            r,
            "voices",
            lambda v: bool(VOICE_RE.fullmatch(v)),
            "an espeak-ng voice name like cmn or en",
        ),
        rate=_rates(r, spoken),
        chime=r.flag("chime", True),
        quiet=tuple(_quiet(q) for q in r.tables("quiet")),
        customer_language=r.get(
            "customer_language",
            lambda v: v in CUSTOMER_LANGUAGE,
            " or ".join(f'"{choice}"' for choice in CUSTOMER_LANGUAGE),
            "first",
        ),
        apology_after_s=apology_after_s,
        apologies=_apologies(r, spoken, apology_after_s),
        zero=r.get("zero", lambda v: v in ZEROS, '"zero" or "oh"', "zero"),
        voice_pack=_voice_pack(r, base),
        keep_awake=r.flag("keep_awake", True),
        wake_noise=r.flag("wake_noise", False),
        lead_in_s=r.number("lead_in_s", 0.0, 0.0, 3.0),
        music=r.path("music", base),
        music_volume=r.number("music_volume", 0.15, 0.0, 1.0),
        music_order=r.get(
            "music_order", lambda v: v in MUSIC_ORDERS, '"shuffle" or "folder"', "shuffle"
        ),
        music_duck=r.number("music_duck", 0.25, 0.0, 1.0),
    )
    r.finish()
    return audio
