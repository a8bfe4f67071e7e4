"""The ``[audio]`` table: the voice that calls the numbers, its wording, and its quiet hours."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.plugins import TTS_ENGINES, names
from config.reader import LANGUAGE_RE, Reader
from config.settings import AudioSettings, QuietHours
from lobby.speech import DEFAULT_TEMPLATES, READINGS, template_fields

HHMM_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
VOICE_RE = re.compile(r"[A-Za-z0-9_+/-]{1,40}")
SPEAKABLE = tuple(DEFAULT_TEMPLATES)


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


def _rates(r: Reader) -> dict[str, int]:
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
    return {lang: value for lang in SPEAKABLE} if isinstance(value, int) else dict(value)


MUSIC_ORDERS = ("shuffle", "folder")


def read_audio(r: Reader, languages: tuple[str, ...], base: Path | None = None) -> AudioSettings:
    """The [audio] table; the voice speaks the board's languages it can, unless told.

    A music folder is only read as a path here: music is an extra, so a folder that is
    missing (a USB stick pulled out) is said at run time and by ``doctor``, and never keeps
    the board from starting."""
    spoken = r.languages("languages", SPEAKABLE, "the voice speaks", False)
    if spoken is None:
        spoken = tuple(lang for lang in languages if lang in SPEAKABLE)
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
        templates=_per_language(
            r, "templates", _template_ok, "wording with {ticket} (and {counter}), no other fields"
        ),
        reading=_per_language(r, "reading", lambda v: v in READINGS, '"digits" or "whole"'),
        voices=_per_language(
            r,
            "voices",
            lambda v: bool(VOICE_RE.fullmatch(v)),
            "an espeak-ng voice name like cmn or en",
        ),
        rate=_rates(r),
        chime=r.flag("chime", True),
        quiet=tuple(_quiet(q) for q in r.tables("quiet")),
        keep_awake=r.flag("keep_awake", True),
        wake_noise=r.flag("wake_noise", False),
        lead_in_s=r.number("lead_in_s", 0.0, 0.0, 3.0),
        music=r.path("music", base or Path.cwd()),
        music_volume=r.number("music_volume", 0.15, 0.0, 1.0),
        music_order=r.get(
            "music_order", lambda v: v in MUSIC_ORDERS, '"shuffle" or "folder"', "shuffle"
        ),
        music_duck=r.number("music_duck", 0.25, 0.0, 1.0),
    )
    r.finish()
    return audio
