"""The daemon's voice as a lobby hears it: real espeak-ng, the real mixer writing to a file."""

from __future__ import annotations

import time

from audio.pcm import RATE, rms_dbfs
from lobby.contract import parse_ts
from mqtt_client import Topics
from tests import payloads
from tests.conftest import Peer, wait_until


def test_a_call_is_shown_then_heard_and_both_are_acknowledged(
    start_daemon, peer: Peer, site: str, tmp_path
) -> None:
    sound = tmp_path / "screen-1" / "speaker.raw"
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_daemon(env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(sound)})
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    time.sleep(2.0)  # the clips are warmed in the background; a call may come any time
    sent = time.time()
    peer.publish(topics.call, payloads.call("A023", "3", "c-heard"))
    acks = peer.wait_for(topics.ack("screen-1"), count=2, timeout=15)
    events = {a.json()["event"]: parse_ts(a.json()["ts"]).timestamp() for a in acks}
    assert set(events) == {"shown", "spoken"}
    assert events["spoken"] - sent < 0.5, events["spoken"] - sent
    assert wait_until(lambda: sound.exists() and sound.stat().st_size > RATE * 2 * 3, 20)
    heard = sound.read_bytes()
    speech = heard[-RATE * 2 * 3 :]  # the last three seconds the speaker played
    assert rms_dbfs(speech) > -40, rms_dbfs(speech)
    status = peer.wait_for(topics.status("screen-1"), lambda m: "audio" in m.json(), timeout=15)
    assert status[-1].json()["audio"] == "ok", status[-1].json()
    assert daemon.alive and "Traceback" not in daemon.log()


def test_no_speaker_is_a_reported_fault_and_the_board_goes_on(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    peer.subscribe(topics.ack("screen-1"))
    daemon = start_daemon(env={"SDL_AUDIODRIVER": "no-such-driver"})
    peer.wait_for(topics.status("screen-1"), lambda m: m.json()["state"] == "online", timeout=20)
    peer.publish(topics.call, payloads.call("A024", "3", "c-silent"))
    (ack,) = peer.wait_for(topics.ack("screen-1"), timeout=10)
    assert ack.json()["event"] == "shown"
    status = peer.wait_for(
        topics.status("screen-1"), lambda m: m.json().get("audio") == "fault", timeout=15
    )
    assert "no audio device" in status[-1].json()["audio_faults"]["speaker"]
    time.sleep(1)
    assert [a.json()["event"] for a in peer.on(topics.ack("screen-1"))] == ["shown"]
    assert daemon.alive and "Traceback" not in daemon.log()
    assert "audio: no audio device could be opened" in daemon.log()
