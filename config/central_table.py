"""A central collector's config file (``central.toml``): the central broker in ``[mqtt]``,
with the same keys as a lobby's, and the collector's own keys in ``[central]``.

Every problem in the file is reported at once, one line each, as for a lobby's config.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from config.files import sqlite_problem
from config.loader import _mqtt
from config.reader import Reader
from config.settings import CentralConfig, MqttSettings
from lobby.errors import ConfigError

CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DATABASE_EXPECTED = (
    'a database URL: "sqlite:///var/lib/callboard/central.sqlite3" or '
    '"postgresql://user@host:5432/dbname"'
)
POSTGRES_RE = re.compile(r"postgres(ql)?://[^\s]+")


def database_problem(url: str) -> str | None:
    """None for a database URL the collector can open, else why not."""
    if POSTGRES_RE.fullmatch(url):
        return None
    if not url.startswith("sqlite:///") or len(url) == len("sqlite:///"):
        return DATABASE_EXPECTED
    why = sqlite_problem(Path(url.removeprefix("sqlite://")))
    return None if why is None else f"an SQLite database file (or a new one's name), but {why}"


def parse_central(data: dict[str, Any], source: str, base: Path) -> CentralConfig:
    problems: list[str] = []
    r = Reader(data, "", problems)
    mqtt = _mqtt(r.table("mqtt"), base) if "mqtt" in data else MqttSettings()
    c = r.table("central")
    database = c.text("database", "", expected=DATABASE_EXPECTED)
    if database and (why := database_problem(database)) is not None:
        c.problem("database", database, why)
    config = CentralConfig(
        mqtt=mqtt,
        database=database,
        client_id=c.text(
            "client_id", "callboard-collector", CLIENT_ID_RE, "1-64 of A-Z, 0-9, _ or -"
        ),
        session_expiry_s=c.integer("session_expiry_s", 7 * 86400, 60, 2**32 - 1),
        stale_after_s=c.integer("stale_after_s", 180, 10, 86400),
        source=source,
    )
    c.finish()
    r.finish()
    if problems:
        raise ConfigError(source, problems)
    return config


def load_central(path: str | Path) -> CentralConfig:
    """Read and check a central config; ``ConfigError`` lists every problem found."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["the file is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    return parse_central(data, str(path), path.parent)
