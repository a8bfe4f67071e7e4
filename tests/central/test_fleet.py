"""``callboard fleet``: every device of every site from the collector's database, for a
person and as JSON; exit 1 while something needs a person."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from tests.central.conftest import status
from tests.conftest import ROOT, Peer, run_cli, wait_until


def test_the_fleet_lists_every_device_and_says_what_needs_a_person(
    tmp_path, centre_of, peer: Peer
) -> None:
    centre = centre_of(f"sqlite://{tmp_path / 'central.sqlite3'}")
    root = centre.root
    long_ago = datetime.now().astimezone() - timedelta(minutes=10)
    # Retained before the collector starts: heard at subscribe time, as old as it says.
    peer.publish(f"{root}/south/status/screen-3", status("screen-3", "display", at=long_ago), True)
    centre.start()
    centre.ready(peer)
    peer.publish(f"{root}/north/status/screen-1", status("screen-1", "display"), retain=True)
    kiosk = status("kiosk-1", "kiosk", faults=("paper out",))
    peer.publish(f"{root}/north/status/kiosk-1", kiosk, retain=True)
    peer.publish(f"{root}/south/status/pi-2-queue", status("pi-2-queue", "engine"), retain=True)
    peer.publish(
        f"{root}/south/status/screen-2", status("screen-2", "display", "offline"), retain=True
    )
    assert wait_until(lambda: len(centre.devices_of("south")) == 3, 20)
    assert wait_until(lambda: len(centre.devices_of("north")) == 2, 20)

    done = run_cli("fleet", "--config", str(centre.config), "--json")
    assert done.returncode == 1, done.stderr
    lines = {(d["site"], d["device"]): d for d in json.loads(done.stdout)}
    assert {k: (d["role"], d["state"], d["faults"]) for k, d in lines.items()} == {
        ("north", "kiosk-1"): ("kiosk", "online", ["paper out"]),
        ("north", "screen-1"): ("display", "online", []),
        ("south", "pi-2-queue"): ("engine", "online", []),
        ("south", "screen-2"): ("display", "offline", []),  # its will
        ("south", "screen-3"): ("display", "offline", []),  # silent for 10 minutes
        ("zz-probe", "probe"): ("console", "online", []),
    }
    assert all(d["version"] == "0.1.0" for d in lines.values())
    seen = datetime.fromisoformat(lines[("south", "screen-3")]["last_seen"])
    assert abs((seen - long_ago).total_seconds()) < 1

    table = run_cli("fleet", "--config", str(centre.config))
    assert table.returncode == 1
    rows = table.stdout.splitlines()
    assert rows[0].split()[:5] == ["SITE", "DEVICE", "ROLE", "STATE", "VERSION"]
    kiosk_row = next(r for r in rows if "kiosk-1" in r)
    assert kiosk_row.split()[:4] == ["north", "kiosk-1", "kiosk", "online"]
    assert kiosk_row.endswith("paper out")
    assert "10 min ago" in next(r for r in rows if "screen-3" in r)
    assert rows[-1] == "6 devices at 3 sites: 2 offline, 1 with faults"

    # Put right: the kiosk has paper, the screens are back. Nothing needs a person.
    for site, device, role in (
        ("north", "kiosk-1", "kiosk"),
        ("south", "screen-2", "display"),
        ("south", "screen-3", "display"),
    ):
        peer.publish(f"{root}/{site}/status/{device}", status(device, role), retain=True)

    def healthy() -> bool:
        return run_cli("fleet", "--config", str(centre.config)).returncode == 0

    assert wait_until(healthy, 20, step=0.5)


def test_a_fleet_with_no_database_yet_or_a_wrong_config_says_so(tmp_path) -> None:
    config = tmp_path / "central.toml"
    config.write_text('[central]\ndatabase = "mysql://x"\nstale_after = 5\n')
    done = run_cli("fleet", "--config", str(config))
    assert done.returncode == 2
    assert "central.database: found a string 'mysql://x', expected a database URL" in done.stderr
    assert "central.stale_after: unknown key" in done.stderr
    config.write_text(f'[central]\ndatabase = "sqlite://{tmp_path / "new.sqlite3"}"\n')
    done = run_cli("fleet", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "no device has reported yet" in done.stdout


def test_the_example_central_config_loads() -> None:
    from config.central_table import load_central

    config = load_central(ROOT / "config" / "central.toml")
    assert config.database == "sqlite:///var/lib/callboard/central.sqlite3"
    assert (config.client_id, config.stale_after_s) == ("callboard-collector", 180)
