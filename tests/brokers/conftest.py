"""One RabbitMQ node for the tests that need it (about 10 s to start, once per session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.brokers import PrivateRabbit


@pytest.fixture(scope="session")
def rabbit() -> Iterator[PrivateRabbit]:
    node = PrivateRabbit().start()
    yield node
    node.cleanup()
