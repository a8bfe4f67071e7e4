"""Human labels per language (they live in the config, never on the wire)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Names:
    """A human label in each language, e.g. ``{"zh": "综合业务", "en": "General business"}``."""

    by_language: dict[str, str] = field(default_factory=dict)

    def get(self, language: str, fallback: str = "") -> str:
        return self.by_language.get(language, fallback)
