"""Typed reads from TOML tables that collect problems instead of raising.

Each problem is one line naming the key, what was found and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from config.names import Names

LANGUAGE_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")

T = TypeVar("T")
_MISSING: Any = object()


def _describe(value: object) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kind = kinds.get(type(value), "a table" if isinstance(value, dict) else "a list")
    shown = repr(value) if not isinstance(value, dict | list) else ""
    room = 160 if isinstance(value, str) else 60  # a file's path is worth its length
    return f"{kind} {shown}".strip() if len(shown) < room else kind


class Reader:
    """Typed reads from one TOML table; problems are collected, never raised."""

    def __init__(self, table: Mapping[str, Any], where: str, problems: list[str]) -> None:
        self._table = table
        self._where = where
        self._problems = problems
        self._known: set[str] = set()

    @property
    def problems(self) -> list[str]:
        """The shared list problems go to (a theme file adds its own lines to it)."""
        return self._problems

    def key(self, name: str) -> str:
        return f"{self._where}{name}"

    def problem(self, name: str, found: object, expected: str) -> None:
        self._problems.append(f"{self.key(name)}: found {_describe(found)}, expected {expected}")

    def get(self, name: str, check: Callable[[Any], bool], expected: str, default: T) -> T:
        self._known.add(name)
        value = self._table.get(name, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self._problems.append(f"{self.key(name)}: missing, expected {expected}")
            return default
        if not check(value):
            self.problem(name, value, expected)
            return default
        return value  # type: ignore[no-any-return]

    def text(
        self,
        name: str,
        default: str = _MISSING,
        pattern: re.Pattern[str] | None = None,
        expected: str = "a string",
    ) -> str:
        def ok(v: Any) -> bool:
            return isinstance(v, str) and (pattern is None or bool(pattern.fullmatch(v)))

        return self.get(name, ok, expected, default)

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        def ok(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

        return self.get(name, ok, f"an integer from {low} to {high}", default)

    def number(self, name: str, default: float, low: float, high: float) -> float:
        def ok(v: Any) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high

        return float(self.get(name, ok, f"a number from {low} to {high}", default))

    def flag(self, name: str, default: bool) -> bool:
        return self.get(name, lambda v: isinstance(v, bool), "true or false", default)

    def path(self, name: str, base: Path) -> Path | None:
        text = self.text(name, "", expected="a file path")
        return (base / text) if text else None

    def file(
        self, name: str, base: Path, problem_of: Callable[[Path], str | None], expected: str
    ) -> Path | None:
        """A path to a file that must really be of a kind (``problem_of`` reads it and says
        why not); None when unset or wrong, the problem naming the key and the reason."""
        path = self.path(name, base)
        if path is None:
            return None
        why = problem_of(path)
        if why is not None:
            self.problem(name, str(path), f"{expected}, but {why}")
            return None
        return path

    def languages(
        self, name: str, known: tuple[str, ...], who: str, required: bool
    ) -> tuple[str, ...] | None:
        """A list of languages, each one ``known`` and listed once, the wrong ones named by
        their index; None when the key is absent (the caller has the default)."""
        listed: Any = self.get(
            name,
            lambda v: isinstance(v, list) and (bool(v) or not required),
            f"a {'non-empty ' if required else ''}list of languages {who} ({', '.join(known)})",
            None,
        )
        if listed is None:
            return None
        kept: list[str] = []
        for i, language in enumerate(listed):
            if not isinstance(language, str) or language not in known:
                self.problem(f"{name}[{i}]", language, f"a language {who} ({', '.join(known)})")
            elif language in kept:
                self.problem(f"{name}[{i}]", language, "each language listed once")
            else:
                kept.append(language)
        return tuple(kept)

    def table(self, name: str) -> Reader:
        self._known.add(name)
        value = self._table.get(name, {})
        if not isinstance(value, dict):
            self.problem(name, value, "a table")
            value = {}
        return Reader(value, f"{self.key(name)}.", self._problems)

    def tables(self, name: str) -> list[Reader]:
        self._known.add(name)
        value = self._table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(name, value, f"a list of tables ([[{name}]])")
            return []
        return [Reader(v, f"{self.key(name)}[{i}].", self._problems) for i, v in enumerate(value)]

    def names(self, name: str) -> Names:
        self._known.add(name)
        value = self._table.get(name, {})
        if isinstance(value, str):
            return Names({"zh": value, "en": value})
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and LANGUAGE_RE.fullmatch(k) and isinstance(v, str) and len(v) <= 80
            for k, v in value.items()
        )
        if not ok:
            self.problem(name, value, 'a table of names per language, e.g. { zh = "…", en = "…" }')
            return Names()
        return Names(dict(value))

    def finish(self) -> None:
        """Report keys nobody read: almost always a typo of a real key."""
        for name in self._table:
            if name not in self._known:
                known = ", ".join(sorted(self._known)) or "none"
                self._problems.append(f"{self.key(name)}: unknown key, expected one of: {known}")
