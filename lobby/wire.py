"""The contract's wire format: JSON objects with ``"v": 1``, read field by field.

Every message type in ``lobby.contract`` parses itself with these reads and builds its
payload with ``encode``; nothing else in callboard reads or writes a payload by hand. Each
failure is a ``ContractError`` whose reason names the field, in one short line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lobby.errors import ContractError

VERSION = 1
MAX_PAYLOAD_BYTES = 4096

ID_RE = re.compile(r"[^\x00-\x1f\x7f]{1,128}")
COUNTER_RE = re.compile(r"[A-Za-z0-9_-]{1,16}")
SERVICE_RE = COUNTER_RE
DEVICE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
TICKET_RE = re.compile(r"[A-Z]{0,2}[0-9]{1,4}")
EPOCH_RE = re.compile(r"[a-z0-9]{1,16}")
INSTANCE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
TS_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_object(raw: bytes, cap: int = MAX_PAYLOAD_BYTES) -> dict[str, Any]:
    """Decode one payload into a JSON object that claims contract version 1."""
    if len(raw) > cap:
        raise ContractError(f"payload of {len(raw)} bytes is over the {cap}-byte cap")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ContractError("payload is not UTF-8 text") from None
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ContractError("payload is not valid JSON") from None
    if not isinstance(obj, dict):
        raise ContractError(f"payload is a JSON {json_type(obj)}, expected an object")
    if "v" not in obj:
        raise ContractError("missing required field 'v'")
    version = obj["v"]
    if not is_integer(version):
        raise ContractError(f"field 'v' is {described(version)}, expected the integer {VERSION}")
    if version > VERSION:
        raise ContractError(f"version v={int(version)} is newer than this device's v{VERSION}")
    if version != VERSION:
        raise ContractError(f"version v={int(version)} is not a contract version")
    return obj


def is_integer(value: object) -> bool:
    """JSON has one number type: a number with no fraction is an integer (as in JSON Schema)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def described(value: object) -> str:
    """A JSON value's type as a reason says it: "an array", "null", "a string"."""
    kind = json_type(value)
    return kind if kind == "null" else f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def check_text(value: object, name: str, pattern: re.Pattern[str] | None, max_len: int) -> str:
    if not isinstance(value, str):
        raise ContractError(f"field '{name}' is {described(value)}, expected a string")
    if len(value) > max_len:
        raise ContractError(f"field '{name}' has {len(value)} characters, at most {max_len}")
    if pattern is not None and not pattern.fullmatch(value):
        raise ContractError(f"field '{name}' = {value[:40]!r} does not match {pattern.pattern}")
    if pattern is None and _CONTROL_RE.search(value):
        raise ContractError(f"field '{name}' holds a control character")
    return value


def check_integer(value: object, name: str, minimum: int, maximum: int) -> int:
    if not is_integer(value):
        raise ContractError(f"field '{name}' is {described(value)}, expected an integer")
    number = int(value)  # type: ignore[call-overload]
    if not minimum <= number <= maximum:
        raise ContractError(f"field '{name}' = {number} is outside {minimum}..{maximum}")
    return number


def parse_ts(text: str, name: str = "ts") -> datetime:
    """An RFC 3339 time with offset, as an aware datetime.

    Python 3.11's ``fromisoformat`` reads ``Z`` and any number of fractional digits (keeping
    microseconds, the rest cut off); only the lowercase ``t`` and ``z`` that RFC 3339 allows
    need upper case first.
    """
    try:
        return datetime.fromisoformat(text.upper())
    except ValueError:
        raise ContractError(f"field '{name}' = {text!r} is not a real date and time") from None


def format_ts(moment: datetime, millis: bool = True) -> str:
    """RFC 3339 with offset; milliseconds where the time was measured."""
    return moment.isoformat(timespec="milliseconds" if millis else "seconds")


def encode(payload: Mapping[str, Any]) -> bytes:
    """Serialise an outbound payload: compact UTF-8 JSON with ``v`` first."""
    return json.dumps({"v": VERSION, **payload}, ensure_ascii=False, separators=(",", ":")).encode()


def without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Optional fields are left out rather than sent as null."""
    return {key: value for key, value in fields.items() if value is not None}


class Fields:
    """Typed reads from one JSON object; every failure names the field."""

    def __init__(self, obj: Mapping[str, Any], where: str = "") -> None:
        self._obj = obj
        self._where = where

    def name(self, key: str) -> str:
        return f"{self._where}{key}"

    def has(self, key: str) -> bool:
        return self._obj.get(key) is not None

    def _get(self, key: str, required: bool) -> Any:
        if key not in self._obj:
            if required:
                raise ContractError(f"missing required field '{self.name(key)}'")
            return None
        value = self._obj[key]
        if value is None and required:
            raise ContractError(f"field '{self.name(key)}' is null, expected a value")
        return value

    def text(
        self,
        key: str,
        pattern: re.Pattern[str] | None = None,
        max_len: int = 200,
        required: bool = True,
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        return check_text(value, self.name(key), pattern, max_len)

    def req_text(self, key: str, pattern: re.Pattern[str] | None = None, max_len: int = 200) -> str:
        value = self.text(key, pattern, max_len, required=True)
        assert value is not None
        return value

    def choice(self, key: str, choices: tuple[str, ...], required: bool = True) -> str | None:
        value = self.text(key, max_len=16, required=required)
        if value is not None and value not in choices:
            raise ContractError(
                f"field '{self.name(key)}' = {value!r} is not one of {', '.join(choices)}"
            )
        return value

    def req_choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.choice(key, choices, required=True)
        assert value is not None
        return value

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        value = self._get(key, True)
        return check_integer(value, self.name(key), minimum, maximum)

    def opt_integer(self, key: str, minimum: int, maximum: int) -> int | None:
        value = self._get(key, False)
        return None if value is None else check_integer(value, self.name(key), minimum, maximum)

    def flag(self, key: str) -> bool | None:
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ContractError(
                f"field '{self.name(key)}' is {described(value)}, expected a boolean"
            )
        return value

    def timestamp(self, key: str, required: bool = True) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        return parse_ts(check_text(value, self.name(key), TS_RE, 40), self.name(key))

    def req_timestamp(self, key: str) -> datetime:
        value = self.timestamp(key, required=True)
        assert value is not None
        return value

    def array(self, key: str, max_items: int, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ContractError(
                f"field '{self.name(key)}' is {described(value)}, expected an array"
            )
        if len(value) > max_items:
            raise ContractError(
                f"field '{self.name(key)}' has {len(value)} items, at most {max_items}"
            )
        return value

    def mapping(self, key: str, required: bool = True) -> Mapping[str, Any]:
        value = self._get(key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ContractError(
                f"field '{self.name(key)}' is {described(value)}, expected an object"
            )
        return value

    def objects(self, key: str, max_items: int, required: bool = True) -> list[Fields]:
        """An array of objects, each read with its index in the names of its fields."""
        out = []
        for i, item in enumerate(self.array(key, max_items, required)):
            if not isinstance(item, dict):
                raise ContractError(
                    f"field '{self.name(key)}[{i}]' is {described(item)}, expected an object"
                )
            out.append(Fields(item, f"{self.name(key)}[{i}]."))
        return out

    def texts(self, key: str, max_items: int, max_len: int) -> tuple[str, ...]:
        """An optional array of plain texts (no control characters)."""
        return tuple(
            check_text(item, f"{self.name(key)}[{i}]", None, max_len)
            for i, item in enumerate(self.array(key, max_items, required=False))
        )
