"""Pluggable parts looked up by name in one table each: the packages' entry points.

Speech engines register under ``callboard.tts_engines`` (pyproject.toml lists callboard's
own); gpiozero registers its pin factories under ``gpiozero_pin_factories`` and resolves
them from there itself. The config loader checks a name against the same table the
program later loads it from, so a name that passes ``check-config`` always loads.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

TTS_ENGINES = "callboard.tts_engines"
PIN_FACTORIES = "gpiozero_pin_factories"


def registered(group: str) -> dict[str, EntryPoint]:
    """The entry points of a group, by name."""
    return {entry.name: entry for entry in entry_points(group=group)}


def names(group: str) -> tuple[str, ...]:
    return tuple(sorted(registered(group)))
