"""A site whose config still names espeak-ng's old ``cmn`` voice hears English spelling for
Mandarin: the running screen says so once in its log and keeps it in its status faults."""

from __future__ import annotations

from mqtt_client import Topics
from tests.conftest import Peer


def test_a_voice_that_misreads_mandarin_is_one_warning_and_a_status_fault(
    start_daemon, peer: Peer, site: str
) -> None:
    topics = Topics("callboard", site)
    peer.subscribe(topics.status("screen-1"))
    daemon = start_daemon(edit=lambda text: text.replace('zh = "cmn-latn-pinyin"', 'zh = "cmn"'))
    status = peer.wait_for(
        topics.status("screen-1"),
        lambda m: "zh voice" in m.json().get("audio_faults", {}),
        timeout=30,
    )[-1].json()
    fault = status["audio_faults"]["zh voice"]
    assert status["audio"] == "fault" and set(status["audio_faults"]) == {"zh voice"}
    assert fault.startswith("espeak-ng voice cmn reads 请, ") and " in English (en)" in fault
    assert fault.endswith('in [audio] write  voices = { zh = "cmn-latn-pinyin", en = "en" }')
    assert daemon.alive and "Traceback" not in daemon.log()
    assert daemon.log().count("the Mandarin part is not understood") == 1
