"""Reading the node's settings from the environment: every variable through one parser that
refuses a bad value naming the variable, instead of falling back to a default in silence
(`MIGREX_HTTPS=maybe` is an error). config/settings.py reads every variable here; the README's
table lists them all (a test checks).

Pure module: no Django setup needed (config/settings.py runs before it).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class SettingError(ImproperlyConfigured):
    """A variable with a value the node cannot use: which one, what it holds, what it takes."""

    def __init__(self, name: str, value: str, expected: str):
        super().__init__(f"{name}={value!r} is not valid: {expected}.")
        self.name, self.value, self.expected = name, value, expected


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def text(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def flag(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise SettingError(name, value, "1 or 0 (also true/false, yes/no, on/off)")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(name, value, "a whole number") from None
    if minimum is not None and number < minimum:
        raise SettingError(name, value, f"a whole number, at least {minimum}")
    return number


def decimal(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingError(name, value, "a number, e.g. 2 or 0.5") from None
    if not number >= minimum:  # also refuses NaN
        raise SettingError(name, value, f"a number, at least {minimum:g}")
    return number


def items(name: str, default: list[str]) -> list[str]:
    """A comma-separated list."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise SettingError(name, value, "one of " + ", ".join(choices))
    return value


def directory(name: str, default: str) -> Path:
    return Path(text(name, default)).resolve()


def address(name: str, default: str) -> str:
    """One IP address, or `none` (returned as ""): whom to believe."""
    value = _raw(name) or default
    if value.lower() == "none":
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise SettingError(name, value, "an IP address, e.g. 127.0.0.1, or none") from None


def readable_file(name: str) -> Path | None:
    """A file that must exist when named (a certificate, a key), or None when not set."""
    value = _raw(name)
    if value is None:
        return None
    path = Path(value).resolve()
    if not path.is_file():
        raise SettingError(name, value, "the path of an existing file")
    return path
