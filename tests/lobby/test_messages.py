"""Every message builds and parses itself, and what callboard sends follows the published
JSON Schemas; topic names are built and read in one place; the caps hold at their edge."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date as date_
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby import contract as c
from lobby.errors import ContractError
from lobby.topics import TopicMatch, Topics
from lobby.wire import MAX_PAYLOAD_BYTES

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schema"
HZ = timezone(timedelta(hours=8))

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(HZ)
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
ids = st.from_regex(r"[A-Za-z0-9_.:-]{1,40}", fullmatch=True)
counters = st.from_regex(r"[A-Za-z0-9_-]{1,16}", fullmatch=True)
tickets = st.from_regex(r"[A-Z]{0,2}[0-9]{1,4}", fullmatch=True)
epochs = st.none() | st.from_regex(r"[a-z0-9]{1,16}", fullmatch=True)
langs = st.none() | st.sampled_from(["zh", "en", "yue", "zh-HK"])
texts = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=24)


def schema(name: str) -> jsonschema.Draft202012Validator:
    loaded = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded)


calls = st.builds(
    c.CallEvent,
    id=ids,
    ticket=tickets,
    counter=counters,
    service=counters,
    kind=st.sampled_from(c.CALL_KINDS),
    ts=moments,
    epoch=epochs,
    request_id=st.none() | ids,
    lang=langs,
    waited_s=st.none() | st.integers(0, c.MAX_WAITED_S),
)
board_calls = st.builds(
    c.BoardCall, ids, tickets, counters, counters, moments, st.sampled_from(c.CALL_KINDS)
)
boards = st.builds(
    c.BoardSnapshot,
    seq=st.integers(0, 2**53),
    ts=moments,
    calls=st.lists(board_calls, max_size=c.MAX_BOARD_CALLS).map(tuple),
    waiting=st.dictionaries(counters, st.integers(0, c.MAX_WAITING), max_size=6),
    epoch=epochs,
)
requests = st.builds(
    c.CounterRequest,
    id=ids,
    counter=counters,
    action=st.sampled_from(["next", "recall", "skip"]),
    ts=moments,
)
states = st.builds(c.CounterState, counters, st.none() | tickets, st.integers(0, 99999), moments)
ticket_requests = st.builds(c.TicketRequest, ids, counters, moments, langs)
issued = st.builds(
    c.TicketIssued,
    ids,
    ids,
    tickets,
    counters,
    st.integers(0, 99999),
    moments,
    langs,
    st.none() | st.integers(0, 10**6),
)
acks = st.builds(
    c.Ack, ids, st.sampled_from(c.ACK_EVENTS), moments, st.none() | st.just("a1b2c3d4")
)
leases = st.builds(
    c.EngineLease,
    st.sampled_from(c.LEASE_STATES),
    st.from_regex(r"[0-9a-f]{8}", fullmatch=True),
    counters,
    moments,
    epochs,
    epochs,
)
notices = st.builds(
    c.Notice,
    marquee=st.lists(texts, max_size=c.MAX_MARQUEE_ITEMS).map(tuple),
    pages=st.lists(
        st.builds(c.NoticePage, texts, st.lists(texts, max_size=c.MAX_PAGE_LINES).map(tuple)),
        max_size=c.MAX_PAGES,
    ).map(tuple),
    ts=st.none() | moments,
)


@given(calls)
def test_a_call_parses_back_to_itself_and_follows_its_schema(call: c.CallEvent) -> None:
    assert c.CallEvent.parse(call.payload()) == call
    assert schema("call").is_valid(json.loads(call.payload()))


@given(boards)
def test_a_board_parses_back_to_itself_and_follows_its_schema(board: c.BoardSnapshot) -> None:
    assert c.BoardSnapshot.parse(board.payload()) == board
    assert schema("board").is_valid(json.loads(board.payload()))


@given(notices)
def test_a_notice_parses_back_to_itself_and_follows_its_schema(notice: c.Notice) -> None:
    assert c.Notice.parse(notice.payload()) == notice
    assert schema("notice").is_valid(json.loads(notice.payload()))


@given(acks)
def test_an_ack_parses_back_to_itself_and_follows_its_schema(ack: c.Ack) -> None:
    assert c.Ack.parse(ack.payload()) == ack
    assert schema("ack").is_valid(json.loads(ack.payload()))


@given(leases)
def test_a_lease_parses_back_to_itself_and_follows_its_schema(lease: c.EngineLease) -> None:
    assert c.EngineLease.parse(lease.payload()) == lease
    assert schema("lease").is_valid(json.loads(lease.payload()))


@given(requests, states, ticket_requests, issued)
def test_requests_states_and_tickets_parse_back_to_themselves(
    request: c.CounterRequest,
    state: c.CounterState,
    ticket: c.TicketRequest,
    answer: c.TicketIssued,
) -> None:
    assert c.CounterRequest.parse(request.payload(), request.counter) == request
    assert c.CounterState.parse(state.payload(), state.counter) == state
    assert c.TicketRequest.parse(ticket.payload()) == ticket
    assert c.TicketIssued.parse(answer.payload()) == answer


def test_a_status_says_who_what_and_what_is_wrong_and_follows_its_schema() -> None:
    status = c.DeviceStatus(
        device="lobby-pi-1",
        state="online",
        version="0.2.0",
        ts=datetime(2026, 11, 28, 10, 0, tzinfo=HZ),
        uptime_s=3600,
        rejected=2,
        role="display",
        instance="3fa2b1c0",
        faults=("another process uses device id lobby-pi-1 (instance 0a1b2c3d)",),
        figures={"frame_ms": 1.5, "board_seq": 7},
    )
    body = json.loads(status.payload())
    assert schema("status").is_valid(body)
    assert body["frame_ms"] == 1.5 and body["faults"][0].startswith("another process")
    assert c.DeviceStatus.parse(status.payload()) == status
    offline = json.loads(
        c.DeviceStatus(**{**status.__dict__, "state": "offline", "faults": ()}).payload()
    )
    assert "faults" not in offline  # a will says offline, nothing about figures


def test_a_counter_request_must_name_where_a_transfer_goes() -> None:
    ok = c.CounterRequest("b-1", "2", "transfer", datetime.now(HZ), to_service="cashier")
    assert c.CounterRequest.parse(ok.payload(), "2").to_service == "cashier"
    without = c.CounterRequest("b-1", "2", "transfer", datetime.now(HZ))
    with pytest.raises(ContractError, match="missing required field 'to_service'"):
        c.CounterRequest.parse(without.payload(), "2")
    with pytest.raises(ContractError, match="counter"):
        c.CounterState.parse(c.CounterState("3", None, 0, datetime.now(HZ)).payload(), "2")


def padded(size: int) -> bytes:
    """A valid CallEvent of exactly ``size`` bytes (an unknown field pads it)."""
    base = json.loads(c.CallEvent("c-1", "A1", "3", "general", "call", datetime.now(HZ)).payload())
    body: dict[str, Any] = {**base, "pad": ""}
    body["pad"] = "x" * (size - len(json.dumps(body, separators=(",", ":")).encode()))
    raw = json.dumps(body, separators=(",", ":")).encode()
    assert len(raw) == size
    return raw


def test_the_4_kib_cap_holds_at_its_edge() -> None:
    assert c.CallEvent.parse(padded(MAX_PAYLOAD_BYTES)).ticket == "A1"
    with pytest.raises(ContractError, match="over the 4096-byte cap"):
        c.CallEvent.parse(padded(MAX_PAYLOAD_BYTES + 1))


def longest_notice() -> c.Notice:
    """Every documented limit at once, in Chinese: the worst case a branch can send."""
    line = "理" * c.MAX_PAGE_LINE_CHARS
    page = c.NoticePage("材" * c.MAX_PAGE_TITLE_CHARS, (line,) * c.MAX_PAGE_LINES)
    return c.Notice(
        marquee=("欢" * c.MAX_MARQUEE_CHARS,) * c.MAX_MARQUEE_ITEMS,
        pages=(page,) * c.MAX_PAGES,
        ts=datetime(2026, 11, 28, 10, 0, 0, 123000, tzinfo=HZ),
    )


def test_a_notice_at_every_documented_limit_fits_the_cap_even_fully_escaped() -> None:
    notice = longest_notice()
    body = json.loads(notice.payload())
    escaped = json.dumps(body, ensure_ascii=True).encode()  # \\uXXXX: 6 bytes a character
    assert c.MAX_PAYLOAD_BYTES < len(escaped) <= c.MAX_NOTICE_BYTES
    assert c.Notice.parse(escaped) == notice
    schema("notice").validate(body)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda b: b["marquee"].append("x"), "at most 4"),
        (lambda b: b["marquee"].__setitem__(0, "x" * 81), "at most 80"),
        (lambda b: b["pages"].append({"title": "t"}), "at most 5"),
        (lambda b: b["pages"][0].__setitem__("title", "t" * 33), "at most 32"),
        (lambda b: b["pages"][0]["lines"].append("x"), "at most 8"),
        (lambda b: b["pages"][0]["lines"].__setitem__(0, "x" * 51), "at most 50"),
        (lambda b: b.__setitem__("pad", "x" * 20000), "over the 16384-byte cap"),
    ],
)
def test_one_more_than_a_notice_limit_is_refused_with_the_reason(change: Any, reason: str) -> None:
    body = json.loads(longest_notice().payload())
    change(body)
    with pytest.raises(ContractError, match=reason):
        c.Notice.parse(json.dumps(body, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda t: t.call, TopicMatch("call")),
        (lambda t: t.board, TopicMatch("board")),
        (lambda t: t.notice, TopicMatch("notice")),
        (lambda t: t.branch_notice, TopicMatch("branch_notice")),
        (lambda t: t.ticket_request, TopicMatch("ticket_request")),
        (lambda t: t.ticket_issued, TopicMatch("ticket_issued")),
        (lambda t: t.engine_lease, TopicMatch("engine_lease")),
        (lambda t: t.status("pi-1"), TopicMatch("status", "pi-1")),
        (lambda t: t.ack("pi-1"), TopicMatch("ack", "pi-1")),
        (lambda t: t.counter_request("3"), TopicMatch("counter_request", "3")),
        (lambda t: t.counter_state("3"), TopicMatch("counter_state", "3")),
    ],
)
def test_every_topic_built_is_read_back_as_what_it_is(build: Any, expected: TopicMatch) -> None:
    topics = Topics("callboard", "hz-main")
    assert topics.parse(build(topics)) == expected


@pytest.mark.parametrize(
    "topic",
    [
        "callboard/other-site/call",
        "callboard/hz-main",
        "callboard/hz-main/call/extra",
        "callboard/hz-main/counter/3/4/request",
        "callboard/hz-main/counter/has space/request",
        "callboard/hz-main/status/pi-1/ack/more",
        "callboard/hz-main/status/pi-1/nack",
        "elsewhere/hz-main/call",
        "elsewhere/callboard/hz-main/call",
        "callboard/hz-main/ticket",
    ],
)
def test_topics_not_of_the_site_or_not_of_the_contract_are_nothing(topic: str) -> None:
    assert Topics("callboard", "hz-main").parse(topic) is None


def test_a_site_whose_names_are_also_topic_words_still_reads_its_own_topics() -> None:
    topics = Topics("counter", "status")
    assert topics.parse(topics.counter_request("status")) == TopicMatch("counter_request", "status")
    assert topics.parse(topics.status("counter")) == TopicMatch("status", "counter")


def test_a_status_always_says_its_faults_while_online_and_a_will_only_if_it_has_some() -> None:
    well = c.DeviceStatus("pi-1", "online", "0.2.0", datetime(2026, 11, 28, tzinfo=HZ), 5, 0)
    assert json.loads(well.payload())["faults"] == []
    will = c.DeviceStatus(**{**well.__dict__, "state": "offline", "faults": ("no sound",)})
    assert json.loads(will.payload())["faults"] == ["no sound"]
    assert "faults" not in json.loads(
        c.DeviceStatus(**{**well.__dict__, "state": "offline"}).payload()
    )


def test_a_counter_state_says_whether_the_counter_is_open_and_since_when() -> None:
    since = datetime(2026, 11, 28, 10, 0, tzinfo=HZ)
    paused = c.CounterState("3", None, 4, since, open=False)
    body = json.loads(paused.payload())
    assert body["open"] is False and "serving_since" not in body
    assert c.CounterState.parse(paused.payload(), "3") == paused and not paused.is_open
    serving = c.CounterState("3", "A023", 4, since, open=True, serving_since=since)
    body = json.loads(serving.payload())
    assert body["open"] is True and body["serving_since"] == "2026-11-28T10:00:00.000+08:00"
    assert c.CounterState.parse(serving.payload(), "3") == serving and serving.is_open
    older = c.CounterState("3", None, 0, since)  # an engine from before open existed
    assert "open" not in json.loads(older.payload()) and older.is_open
    assert c.CounterState.parse(older.payload(), "3").open is None
    bad = {**json.loads(serving.payload()), "open": "yes"}
    with pytest.raises(ContractError, match="field 'open' is a string, expected a boolean"):
        c.CounterState.parse(json.dumps(bad).encode(), "3")
    bad = {**json.loads(serving.payload()), "serving_since": "10:00"}
    with pytest.raises(ContractError, match="field 'serving_since'"):
        c.CounterState.parse(json.dumps(bad).encode(), "3")


def test_ratings_and_figures_follow_their_schemas_and_parse_back() -> None:
    moment = datetime(2026, 11, 28, 10, 0, 0, 123000, tzinfo=HZ)
    rating = c.Rating("r-pad3-000042", "3", "A023", 3, 3, moment)
    assert c.Rating.parse(rating.payload(), "3") == rating and rating.satisfied
    schema("rating").validate(json.loads(rating.payload()))
    row = ("2026-11-28", "service", "general", 40, 30, 2, 1, 7, 312.5, 600.0, 240.0, 12, 0.75)
    figures = c.DayFigures(date_(2026, 11, 28), moment, (row,), {9: (12, 300.0), 10: (20, None)})
    assert c.DayFigures.parse(figures.payload()) == figures
    schema("figures").validate(json.loads(figures.payload()))
    ask = c.StatsRequest("csv-1", date_(2026, 11, 1), date_(2026, 11, 28), moment)
    assert c.StatsRequest.parse(ask.payload()) == ask
    schema("stats-request").validate(json.loads(ask.payload()))
    page = c.StatsPage("csv-1", 1, 2, (row,), moment)
    assert c.StatsPage.parse(page.payload()) == page
    schema("stats-page").validate(json.loads(page.payload()))


def test_a_refused_ticket_follows_its_schema_and_parses_back() -> None:
    moment = datetime(2026, 11, 25, 19, 30, 0, 123000, tzinfo=HZ)
    opens = datetime(2026, 11, 26, 8, 30, tzinfo=HZ)
    for reason in c.REFUSAL_REASONS:
        refused = c.TicketRefused("tr-1", "k-1", "general", reason, moment, opens, "en")
        body = json.loads(refused.payload())
        assert body["opens"] == "2026-11-26T08:30:00+08:00" and body["reason"] == reason
        assert c.TicketRefused.parse(refused.payload()) == refused
        schema("ticket-refused").validate(body)
    bare = c.TicketRefused("tr-2", "k-2", "nosuch", "unknown_service", moment)
    assert set(json.loads(bare.payload())) == {"v", "id", "request_id", "service", "reason", "ts"}
    assert schema("ticket-refused").is_valid(json.loads(bare.payload()))
    newer = {**json.loads(bare.payload()), "reason": "holiday_rush"}  # a code from a newer engine
    assert c.TicketRefused.parse(json.dumps(newer).encode()).reason == "holiday_rush"
    assert not schema("ticket-refused").is_valid({**newer, "reason": "Closed now"})


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b'{"v":1,"id":"r","ticket":"A1","score":4,"scale":3,"ts":"2026-11-28T10:00:00Z"}',
            "'score' = 4 is outside 1..3",
        ),
        (
            b'{"v":1,"id":"r","ticket":"A1","score":1,"scale":1,"ts":"2026-11-28T10:00:00Z"}',
            "'scale' = 1 is outside 2..10",
        ),
        (
            b'{"v":1,"id":"s","from":"2026-11-28","to":"2026-11-01","ts":"2026-11-28T10:00:00Z"}',
            "is not a range of 1 to 366 days",
        ),
        (
            b'{"v":1,"id":"s","from":"2026-02-30","to":"2026-03-01","ts":"2026-11-28T10:00:00Z"}',
            "is not a real date",
        ),
    ],
)
def test_a_rating_or_a_request_for_figures_that_makes_no_sense_is_refused(
    raw: bytes, reason: str
) -> None:
    parse = c.Rating.parse if b'"score"' in raw else (lambda r, _k: c.StatsRequest.parse(r))
    with pytest.raises(ContractError, match=reason):
        parse(raw, "3")


def test_a_paused_counter_state_carries_the_tellers_reason() -> None:
    since = datetime(2026, 11, 28, 12, 0, tzinfo=HZ)
    lunch = c.CounterState("3", None, 4, since, open=False, reason="午餐 Lunch")
    body = json.loads(lunch.payload())
    assert body["reason"] == "午餐 Lunch"
    assert c.CounterState.parse(lunch.payload(), "3") == lunch
    assert "reason" not in json.loads(c.CounterState("3", None, 4, since, open=False).payload())
    for wrong, why in (("x" * 41, "at most 40"), (7, "expected a string")):
        with pytest.raises(ContractError, match=why):
            c.CounterState.parse(json.dumps({**body, "reason": wrong}).encode(), "3")


def test_a_record_of_a_finished_ticket_follows_its_schema_and_parses_back() -> None:
    moment = datetime(2026, 11, 24, 10, 15, 2, tzinfo=timezone(timedelta(hours=8)))
    record = c.FinishedTicket(
        id="r-4e1e7a3e-2026-11-24-A023",
        rev=1,
        ticket="A023",
        day=moment.date(),
        service="general",
        first_service="general",
        outcome="no_show",
        counter="3",
        issued_at=moment - timedelta(minutes=20),
        called_at=moment,
        done_at=moment + timedelta(minutes=1),
        waited_s=1200,
        ts=moment + timedelta(minutes=1),
    )
    assert c.FinishedTicket.parse(record.payload()) == record
    schema("record").validate(json.loads(record.payload()))
    rated = replace(record, rev=2, score=3, scale=3, lang="en", served_at=moment, served_s=60)
    assert c.FinishedTicket.parse(rated.payload()) == rated
    schema("record").validate(json.loads(rated.payload()))
    for half in ({"score": 3}, {"scale": 3}):
        body = {**json.loads(record.payload()), **half}
        with pytest.raises(ContractError, match="'score' and 'scale' come together"):
            c.FinishedTicket.parse(json.dumps(body).encode())
        assert not schema("record").is_valid(body)
