"""The example's opening hours, commented out in config/lobby.toml (so that the example is
open at every hour the tests run), are a whole [hours] table once uncommented: the one
docs/screenshots.sh draws the closed page with."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from config import EXAMPLE, load_config


def test_the_examples_commented_hours_load_and_close_the_lobby_at_night(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    block = re.search(r"^# \[hours\]\n(?:# .*\n)*?# closing_minutes.*\n", text, re.M)
    assert block is not None, "config/lobby.toml documents [hours]"
    hours = "".join(line[2:] + "\n" for line in block.group(0).splitlines())
    path = tmp_path / "lobby.toml"
    path.write_text(text + hours, encoding="utf-8")
    config = load_config(path)
    wednesday = datetime(2026, 11, 25, 10, 15).astimezone()
    assert config.hours.is_open(wednesday)
    assert not config.hours.is_open(wednesday.replace(hour=19, minute=30))
    assert not config.hours.is_open(datetime(2026, 11, 29, 10, 15).astimezone())  # a Sunday
    assert config.hours.closing_min == 60
