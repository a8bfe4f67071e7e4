"""What the command line is given, checked before any work starts.

A user's mistake (a date that is no date, an output nobody can write, a database that is
not one) is one line on stderr and exit 2, never a traceback half-way through the work.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from config.files import sqlite_problem

EXIT_USAGE = 2
"""The user's mistake: argparse's own exit code for a wrong argument."""


def size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1920x1080") from None
    if not (64 <= width <= 7680 and 64 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is outside 64x64..7680x4320")
    return width, height


def day(text: str) -> str:
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-25") from None
    return parsed.isoformat()


def seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0.1 to 3600")
    return seconds


def file_of_kind(suffix: str) -> Callable[[str], Path]:
    """An output file's name must say what is written into it (pygame would write a TGA
    into ``board.txt`` without a word)."""

    def check(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() != suffix:
            raise argparse.ArgumentTypeError(f"{text!r} is not a file name ending in {suffix}")
        return path

    return check


def writable_or_exit(path: Path) -> None:
    """Make the output's folder and check the file can be written there, before any work;
    exit 2 with one line saying why not."""
    if path.parent.exists() and not path.parent.is_dir():
        exit_with(f"{path}: cannot write there: {path.parent} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        exit_with(f"{path}: cannot make the folder {path.parent}: {reason(exc)}")
    if path.is_dir():
        exit_with(f"{path}: is a folder; expected the name of a file to write")
    existed = path.exists()
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        exit_with(f"{path}: cannot write there: {reason(exc)}")
    if not existed:
        path.unlink()


def queue_db_problem(db: Path) -> str | None:
    """Why the queue's SQLite file cannot be opened (or made) here, by this user, or None."""
    why = sqlite_problem(db)
    if why is not None:
        return f"{db}: {why}; expected the queue's SQLite file (or a new one's name)"
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(db)
        try:
            connection.execute("PRAGMA schema_version")
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as exc:
        return f"{db}: cannot open the queue database here: {reason(exc)}"
    return None


def reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def exit_with(line: str) -> NoReturn:
    print(line, file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).astimezone()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time like 2026-11-25T10:15") from None
