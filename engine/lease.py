"""Exactly one queue engine serves a site at any moment: how an engine gets that right.

Two engines with two stores, both serving, give two customers the same ticket. It happens
with a cloned SD card, an embedded engine beside the branch server's, or two started in
the same second. The guarantee comes from the broker, in two parts:

1. *Safety.* An engine serves only through the site's serving connection, whose client id
   is the site's (``ServingLink``). The broker lets one connection hold a client id: a
   second one takes its place and the first is disconnected (MQTT 5 reason "session taken
   over"); an engine whose serving connection drops stops serving at once and never
   reconnects it by itself. So two engines can never both publish a call or a ticket.
2. *Who keeps it.* The serving engine's lease (``{p}/engine/lease``, retained, its last
   will saying ``free``) tells a newcomer that the site is served; the newcomer asks (a
   *probe*) and the holder answers, and the newcomer goes away (exit code 3) or waits as a
   standby. So a running engine is not replaced by one started later.

Why a newcomer can never take over an engine that already serves: the newcomer decides on
what the lease topic said when its probe came back, a broker moment after the newcomer's
clock read ``t0``, and it must complete its serving connection before ``t0 + SETTLE_S/2``,
or give the site back and try again. An engine serves only ``SETTLE_S`` after its own
``held`` is on the broker. So if the newcomer saw the lease free, any other engine's
``held`` came after ``t0``, and the newcomer's takeover (before ``t0 + SETTLE_S/2``) falls in
that engine's settling time, before it has served anything; the engine taken over goes
back to asking, finds the newcomer holding the lease, and stands aside. A holder that does
not answer a probe (its lease kept by a broker that restarted) is judged dead only after a
second, fresh probe finds nothing changed, and the same bound is applied from that probe.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from config.settings import Config
from lobby.contract import EngineLease
from mqtt_client.engine_link import EngineLink, LeaseView, ServingLink
from mqtt_client.session import Deliver

_LOG = logging.getLogger(__name__)
SETTLE_S = 4.0  # an engine serves this long after its lease is on the broker
PROBE_S = 5.0  # how long a probe may take to come back
ANSWER_S = 3.0  # how long a live holder may take to answer a probe
CONNECT_S = 10.0


@dataclass(frozen=True)
class Refusal:
    """Another engine serves the site."""

    holder: EngineLease


class Lease:
    """Gets the site's serving connection for this engine, by the rules above."""

    def __init__(
        self,
        config: Config,
        link: EngineLink,
        deliver: Deliver,
        epoch: Callable[[], str | None],
        standby: bool = False,
    ) -> None:
        self._config = config
        self._link = link
        self._deliver = deliver
        self._epoch = epoch
        self._standby = standby
        self._random = random.Random()

    def acquire(self, stopped: threading.Event) -> ServingLink | Refusal | None:
        """The serving connection, once this engine may serve; a Refusal when another
        engine serves (and this one is no standby); None when told to stop first."""
        backoff = 0.2
        while not stopped.is_set():
            outcome = self._attempt(stopped)
            if outcome is not None:
                return outcome
            stopped.wait(self._random.uniform(0.5, 1.5) * backoff)
            backoff = min(backoff * 2, 10.0)
        return None

    def _attempt(self, stopped: threading.Event) -> ServingLink | Refusal | None:
        if not self._link.wait_subscribed(PROBE_S):
            _LOG.info("waiting for the broker at %s", self._config.mqtt.host)
            return None
        t0 = time.monotonic()
        view = self._link.probe(PROBE_S)
        if view is None:
            _LOG.info("the broker does not answer yet; trying again")
            return None
        holder = self._live_holder(view)
        if holder is not None:
            if not self._standby:
                return Refusal(holder)
            _LOG.info("standing by: engine %s serves site %s", holder.device, self._config.site)
            self._link.wait_change(view.changes, 60.0)
            return None
        if view.lease is not None and view.lease.state == "held" and not self._mine(view.lease):
            t0 = time.monotonic()  # judged dead: decide again from a fresh probe
            fresh = self._link.probe(PROBE_S)
            if fresh is None or fresh.changes != view.changes:
                return None
        return self._connect(t0, stopped)

    def _mine(self, lease: EngineLease) -> bool:
        return lease.instance == self._link.instance

    def _live_holder(self, view: LeaseView) -> EngineLease | None:
        """The engine that holds the lease and answers for it, if any."""
        lease = view.lease
        if lease is None or lease.state != "held" or self._mine(lease):
            return None
        if self._link.answered(lease.instance, view.changes, ANSWER_S):
            return lease
        _LOG.warning(
            "engine %s holds the lease of site %s but does not answer; taking over",
            lease.device,
            self._config.site,
        )
        return None

    def _connect(self, t0: float, stopped: threading.Event) -> ServingLink | None:
        held = self._link.lease(self._epoch())
        serving = ServingLink(self._config, self._deliver, held)
        if not serving.connect(CONNECT_S):
            return None
        if time.monotonic() - t0 >= SETTLE_S / 2:
            _LOG.info("the serving connection took too long to be sure of it; trying again")
            serving.release()
            return None
        self._link.hold(serving)
        if serving.claim() and not self._settle(serving, stopped):
            return serving
        self._link.hold(None)
        serving.close()
        return None

    def _settle(self, serving: ServingLink, stopped: threading.Event) -> bool:
        """Wait out the settling time; True if stopped or the connection was lost meanwhile."""
        deadline = time.monotonic() + SETTLE_S
        while (left := deadline - time.monotonic()) > 0:
            if serving.lost.wait(min(left, 0.1)) or stopped.is_set():
                return True
        return False
