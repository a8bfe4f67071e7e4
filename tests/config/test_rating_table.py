"""The ``[rating]`` table: a rating pad's counter, buttons, window and pause, every mistake
one line naming the key, all of them at once."""

from __future__ import annotations

from pathlib import Path

from config import load_config
from tests.config.test_loader import MINIMAL, problems_of
from tests.conftest import run_cli

PAD = """
[rating]
counter = "1"
buttons = { 3 = 17, 2 = 27, 1 = 22 }
window_s = 20
"""


def test_a_pad_of_three_buttons_has_a_scale_of_three_and_polite_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL + PAD, encoding="utf-8")
    rating = load_config(path).rating
    assert rating is not None
    assert (rating.counter, rating.scale, rating.buttons) == ("1", 3, {3: 17, 2: 27, 1: 22})
    assert (rating.window_s, rating.max_age_s, rating.pause_reason) == (20, 300, "counter")
    assert rating.pause_pin is None and rating.leds == {}


def test_no_rating_table_is_no_pad(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_config(path).rating is None


def test_five_buttons_make_five_faces_and_a_touch_pad_needs_none(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    five = "{ 5 = 5, 4 = 6, 3 = 13, 2 = 19, 1 = 26 }"
    path.write_text(MINIMAL + PAD.replace("{ 3 = 17, 2 = 27, 1 = 22 }", five), encoding="utf-8")
    rating = load_config(path).rating
    assert rating is not None and rating.scale == 5
    path.write_text(MINIMAL + '[rating]\ncounter = "1"\nscale = 5\n', encoding="utf-8")
    touch = load_config(path).rating
    assert touch is not None and (touch.scale, touch.buttons) == (5, {})


def test_every_mistake_of_the_pad_is_one_line_naming_the_key(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace('id = "1"\nservices', 'id = "1"\nbutton = 17\nservices')
        + '[rating]\ncounter = "9"\nbuttons = { 3 = 17, 2 = 40, 4 = 22 }\nwindow_s = 0\n'
        'max_age_s = -1\npause_hold = 2\npause_led = 17\npause_reason = ""\nwindow = 5\n'
    )
    problems = problems_of(tmp_path, text)
    expected = [
        "rating.buttons.2: found an integer 40, expected a BCM GPIO pin number from 0 to 27",
        "rating.buttons.4: found an integer 22, expected a score from 1 to 3 as the key",
        "rating.window_s: found an integer 0, expected a number from 2.0 to 600.0",
        "rating.max_age_s: found an integer -1, expected a number from 1.0 to 86400.0",
        "rating.pause_reason: found a string '', expected a reason of 1 to 40 characters",
        "rating.window: unknown key, expected one of:",
        "rating.pause_hold: found an integer 2, expected the score of a button in `buttons`",
        "rating.counter: found '9', expected one of the [[counters]] ids (1)",
        "rating.buttons.3: found pin 17, already used by counters[0].button; "
        "expected a pin of its own",
        "rating.pause_led: found pin 17, already used by",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert len(problems) == len(expected), problems


def test_a_missing_face_is_named(tmp_path: Path) -> None:
    text = MINIMAL + '[rating]\ncounter = "1"\nbuttons = { 3 = 17, 1 = 22 }\n'
    assert problems_of(tmp_path, text) == [
        "rating.buttons: found a table, expected a button for each score from 1 to 3"
    ]


def test_callboard_pad_without_a_rating_table_says_so_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    done = run_cli("pad", "--config", str(path))
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "no [rating] table (the pad's counter, its buttons); see config/lobby.toml"
    )
    assert "Traceback" not in done.stderr


def test_the_example_s_commented_pad_loads_once_uncommented(tmp_path: Path) -> None:
    from config import EXAMPLE

    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("# [rating]")
    block = text[start : text.index("\n\n", start)]
    path = tmp_path / "c.toml"
    path.write_text(text.replace(block, block.replace("# ", "", 1).replace("\n# ", "\n")), "utf-8")
    rating = load_config(path).rating
    assert rating is not None and (rating.counter, rating.pause_pin, rating.pause_hold) == (
        "3",
        23,
        1,
    )
