"""[display] counters, services and area: a board for part of the hall, and its mistakes."""

from __future__ import annotations

from pathlib import Path

from config import EXAMPLE, load_config
from tests.config.test_loader import problems_of

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def with_display(lines: str) -> str:
    return EXAMPLE_TEXT.replace("[display]\n", f"[display]\n{lines}\n", 1)


def test_absent_keys_are_the_whole_hall() -> None:
    config = load_config(EXAMPLE)
    assert config.hall_area().whole_hall
    assert [s.id for s in config.shown_services()] == [s.id for s in config.services]


def test_the_example_documents_the_keys_and_they_load_as_written(tmp_path: Path) -> None:
    display = EXAMPLE_TEXT.split("[display]\n", 1)[1].split("\n[", 1)[0]
    commented = [
        line.removeprefix("# ")
        for line in display.splitlines()
        if line.startswith(("# counters = ", "# services = ", "# area = "))
    ]
    assert len(commented) == 3, commented
    path = tmp_path / "c.toml"
    path.write_text(with_display("\n".join(commented)), encoding="utf-8")
    config = load_config(path)
    area = config.hall_area()
    assert (area.counters, area.services) == ({"5", "6"}, {"vip"})
    assert [s.id for s in config.shown_services()] == ["vip", "complaint", "cashier"]
    assert config.display.area.get("en") == "VIP room"


def test_every_wrong_id_is_one_line_naming_the_key_reported_together(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        with_display(
            'counters = ["7", "5", 5, "5", "x y"]\nservices = ["vip", "gold"]\narea = "VIP"'
        ),
    )
    assert found == [
        "display.counters[2]: found an integer 5, expected a counter id of 1-16 letters, "
        "digits, _ or -",
        "display.counters[3]: found a string '5', expected each counter listed once",
        "display.counters[4]: found a string 'x y', expected a counter id of 1-16 letters, "
        "digits, _ or -",
        "display.counters[0]: found '7', expected one of the [[counters]] ids (1, 2, 3, 4, 5, 6)",
        "display.services[1]: found 'gold', expected one of the [[services]] ids "
        "(general, consult, vip, complaint, cashier)",
    ]


def test_a_list_that_is_not_a_list_is_named(tmp_path: Path) -> None:
    found = problems_of(tmp_path, with_display('counters = "7"\narea = ["VIP"]'))
    assert found == [
        'display.counters: found a string \'7\', expected a list of counter ids, e.g. ["7", "8"]',
        "display.area: found a list, expected a table of names per language, e.g. "
        '{ zh = "…", en = "…" }',
    ]
