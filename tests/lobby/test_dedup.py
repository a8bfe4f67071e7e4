"""A QoS 1 redelivery is acted on once: the ids remembered per topic, the oldest forgotten."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby.dedup import DEFAULT_CAPACITY, SeenIds

deliveries = st.lists(
    st.tuples(st.sampled_from(["p/call", "p/ticket/request"]), st.sampled_from("abcdef")),
    max_size=40,
)


@given(st.integers(1, 4), deliveries)
def test_an_id_is_new_unless_among_the_last_ids_seen_on_its_topic(
    capacity: int, seen: list[tuple[str, str]]
) -> None:
    ids = SeenIds(capacity)
    recent: dict[str, list[str]] = {}  # per topic, least recently seen first
    for topic, message_id in seen:
        mine = recent.setdefault(topic, [])
        new = message_id not in mine
        assert ids.first_time(topic, message_id) == new
        if not new:
            mine.remove(message_id)  # seen again: remembered as the most recent
        mine.append(message_id)
        del mine[:-capacity]
        assert len(ids) == sum(len(kept) for kept in recent.values())


def test_the_contracts_1000_ids_per_topic_are_remembered_and_more() -> None:
    ids = SeenIds()
    for i in range(DEFAULT_CAPACITY):
        assert ids.first_time("p/call", f"c-{i}")
    assert ids.first_time("p/board", "c-0")  # another topic, another memory
    assert not ids.first_time("p/call", "c-0")  # still known, and now the most recent
    assert ids.first_time("p/call", "c-new")  # c-1 is forgotten to make room
    assert len(ids) == DEFAULT_CAPACITY + 1
    assert not ids.first_time("p/call", "c-0") and ids.first_time("p/call", "c-1")


def test_a_memory_holds_at_least_one_id() -> None:
    one = SeenIds(1)
    assert one.first_time("t", "a") and not one.first_time("t", "a")
    assert one.first_time("t", "b") and one.first_time("t", "a")
    with pytest.raises(ValueError, match=r"^capacity must be positive$"):
        SeenIds(0)
