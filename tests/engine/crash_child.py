"""The queue engine's core in a process of its own, for the crash test: requests in on
stdin (one JSON line each), "done <id>" out on stdout once the request is committed.

    python -m tests.engine.crash_child DB
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from config import parse_config
from engine.store import QueueStore
from lobby.contract import CounterRequest, TicketRequest

LOBBY = {
    "site": "crash",
    "device": "engine",
    "services": [
        {"id": "general", "prefix": "A"},
        {"id": "vip", "prefix": "V"},
        {"id": "cashier", "prefix": "P"},
    ],
    "counters": [
        {"id": "1", "services": ["vip", "general"]},
        {"id": "2", "services": ["general"]},
        {"id": "6", "services": ["cashier"]},
    ],
}


def main() -> None:
    store = QueueStore(Path(sys.argv[1]), parse_config(LOBBY))
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        now = datetime.now().astimezone()
        if request["kind"] == "ticket":
            store.apply(TicketRequest(request["id"], request["service"], now), now)
        else:
            store.apply(
                CounterRequest(
                    request["id"], request["counter"], request["action"], now, request.get("to")
                ),
                now,
            )
        print(f"done {request['id']}", flush=True)


if __name__ == "__main__":
    main()
