"""One exception family for everything callboard raises on purpose.

Each subclass also inherits the matching builtin, so a caller can catch either
``ContractError`` or plain ``ValueError``.
"""


class CallboardError(Exception):
    """Base of every error callboard raises deliberately."""


class ContractError(CallboardError, ValueError):
    """An inbound payload does not follow the MQTT contract."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConfigError(CallboardError, ValueError):
    """A configuration file is wrong; ``problems`` holds one line per problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s)")
        self.path = path
        self.problems = problems


class FontError(CallboardError, FileNotFoundError):
    """No usable font for the board could be found."""


class DisplayError(CallboardError, RuntimeError):
    """The screen could not be opened."""
