"""One exception family, each also the builtin a caller may catch instead."""

from __future__ import annotations

import pytest

from lobby.errors import CallboardError, ConfigError, ContractError


def test_a_config_error_says_the_file_and_keeps_every_problem() -> None:
    problems = ["[display] flash_seconds must be positive", "[[counters]] 3: unknown service"]
    error = ConfigError("/etc/callboard/lobby.toml", problems)
    assert str(error) == "/etc/callboard/lobby.toml: 2 problem(s)"
    assert (error.path, error.problems) == ("/etc/callboard/lobby.toml", problems)
    with pytest.raises(ValueError):
        raise error


def test_a_contract_error_keeps_its_reason_and_is_a_value_error() -> None:
    error = ContractError("payload is not valid JSON")
    assert error.reason == str(error) == "payload is not valid JSON"
    assert isinstance(error, CallboardError) and isinstance(error, ValueError)
