"""``callboard demo``: a whole lobby on one machine, and the private broker it (and the
tests and benches) runs on. Nothing the lobby's own services run imports this."""

from callboard.demo.people import run_demo

__all__ = ["run_demo"]
