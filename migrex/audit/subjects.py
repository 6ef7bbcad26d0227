"""What the auditors' pages show of the things entries are about, told by the apps that own
them: the audit log sits below them and knows none (each registers in its ready()).

- a case, by its primary key in an entry's `detail["case"]`: its number and page;
- a subject such as `caseperson:17` or `personrecord:4`: what it is, without personal data (the
  auditor sees who read, not what was read)."""

from __future__ import annotations

from collections.abc import Callable

from migrex.core.web import Link

_case_finders: list[Callable[[set[int]], dict[int, Link]]] = []
_describers: dict[str, Callable[[int], str]] = {}


def finds_cases(finder: Callable[[set[int]], dict[int, Link]]) -> None:
    if finder not in _case_finders:
        _case_finders.append(finder)


def describes(kind: str, describer: Callable[[int], str]) -> None:
    _describers[kind] = describer


def cases(pks: set[int]) -> dict[int, Link]:
    found: dict[int, Link] = {}
    if pks:
        for finder in _case_finders:
            found.update(finder(pks))
    return found


def describe(subject: str) -> str:
    kind, _sep, pk = subject.partition(":")
    describer = _describers.get(kind)
    if describer is None or not pk.isdigit():
        return ""
    return describer(int(pk))
