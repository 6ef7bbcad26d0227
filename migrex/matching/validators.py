"""Identifiers found on the documents of the persons the parties exchange (Art. 6), checked with
errors that say what is wrong and where: ICAO Doc 9303 machine-readable zones (TD1 identity cards,
TD3 passports, every check digit), the Kazakhstan individual identification number (IIN), the
Belarus identification number, ISO 3166-1 country codes.

Pure module: no Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pycountry


class IdentifierError(ValueError):
    """`where` names the part (a line and columns of a zone, a digit of a number)."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.message, self.where = message, where


# --- ICAO Doc 9303 --------------------------------------------------------------------------------

_MRZ_CHARS = re.compile(r"[0-9A-Z<]+")


def mrz_value(char: str) -> int:
    """Doc 9303 Part 3 §4.9: digits are themselves, A–Z are 10–35, the filler < is 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise IdentifierError(f"'{char}' is not a machine-readable-zone character")


def check_digit(text: str) -> str:
    """Weights 7, 3, 1 repeated; the sum modulo 10."""
    return str(sum(mrz_value(c) * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10)


@dataclass(frozen=True)
class MRZ:
    format: str  # "TD1" or "TD3"
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str  # YYMMDD as printed
    sex: str  # "M", "F" or "<"
    expiry_date: str
    optional: dict[str, str] = field(default_factory=dict)

    def birth(self, today: dt.date) -> dt.date:
        """The birth date: the century is the one that puts it before `today`."""
        date = _yymmdd(self.birth_date, "birth date")
        return date if date <= today else date.replace(year=date.year - 100)

    def expiry(self) -> dt.date:
        return _yymmdd(self.expiry_date, "expiry date")


def _yymmdd(text: str, what: str) -> dt.date:
    try:
        return dt.date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise IdentifierError(f"{what} {text!r} is not a date YYMMDD") from None


def _names(field_: str) -> tuple[str, str]:
    surname, _, given = field_.partition("<<")
    tidy = lambda s: " ".join(p for p in s.split("<") if p)  # noqa: E731
    return tidy(surname), tidy(given)


def _check(lines: list[str], line: int, start: int, end: int, digit_at: int, what: str) -> None:
    """The check digit at column `digit_at` (1-based, of line `line`) over columns start..end;
    a span may run on to the next line for composite digits (passed joined)."""
    text = lines[line - 1]
    expected = check_digit(text[start - 1 : end])
    found = text[digit_at - 1]
    if found != expected:
        raise IdentifierError(
            f"check digit of the {what} is {found!r}, should be {expected}",
            f"line {line}, column {digit_at}",
        )


def _composite(lines: list[str], spans: list[tuple[int, int, int]], line: int, at: int) -> None:
    text = "".join(lines[ln - 1][a - 1 : b] for ln, a, b in spans)
    expected = check_digit(text)
    found = lines[line - 1][at - 1]
    if found != expected:
        raise IdentifierError(
            f"composite check digit is {found!r}, should be {expected}",
            f"line {line}, column {at}",
        )


def parse_mrz(text: str) -> MRZ:
    """A TD1 (3 × 30) or TD3 (2 × 44) zone, every check digit verified."""
    lines = [ln.strip().upper() for ln in text.strip().splitlines() if ln.strip()]
    shape = [len(ln) for ln in lines]
    for n, ln in enumerate(lines, 1):
        if not _MRZ_CHARS.fullmatch(ln):
            bad = next(c for c in ln if not _MRZ_CHARS.fullmatch(c))
            raise IdentifierError(f"'{bad}' is not a machine-readable-zone character", f"line {n}")
    if shape == [44, 44]:
        return _td3(lines)
    if shape == [30, 30, 30]:
        return _td1(lines)
    raise IdentifierError(
        f"{len(lines)} line(s) of {shape} characters: a TD1 zone has 3 lines of 30, "
        "a TD3 zone 2 lines of 44"
    )


def _td3(lines: list[str]) -> MRZ:
    one, two = lines
    if one[0] != "P":
        raise IdentifierError(f"a passport zone starts with P, not {one[0]!r}", "line 1, column 1")
    _check(lines, 2, 1, 9, 10, "document number")
    _check(lines, 2, 14, 19, 20, "birth date")
    _check(lines, 2, 22, 27, 28, "expiry date")
    if two[28:42].strip("<") or two[42] != "<":
        _check(lines, 2, 29, 42, 43, "personal number")
    _composite(lines, [(2, 1, 10), (2, 14, 20), (2, 22, 43)], 2, 44)
    surname, given = _names(one[5:])
    mrz = MRZ(
        "TD3",
        one[0:2].rstrip("<"),
        one[2:5].rstrip("<"),
        surname,
        given,
        two[0:9].rstrip("<"),
        two[10:13].rstrip("<"),
        two[13:19],
        two[20],
        two[21:27],
        {"personal_number": two[28:42].rstrip("<")},
    )
    _dates(mrz, line=2, birth_at=14, expiry_at=22)
    return mrz


def _td1(lines: list[str]) -> MRZ:
    one, two, three = lines
    if one[0] not in "ACI":
        raise IdentifierError(
            f"an identity card zone starts with A, C or I, not {one[0]!r}", "line 1, column 1"
        )
    number, optional1 = one[5:14], one[15:30]
    if one[14] == "<" and optional1.strip("<"):
        # Doc 9303 Part 5 §4.2.2: a number longer than 9 characters runs on into the optional
        # data, followed by its check digit and a filler.
        rest = optional1.rstrip("<")
        number, digit = number + rest[:-1], rest[-1]
        if check_digit(number) != digit:
            raise IdentifierError(
                f"check digit of the document number is {digit!r}, should be {check_digit(number)}",
                "line 1, columns 16-30",
            )
        optional1 = ""
    else:
        _check(lines, 1, 6, 14, 15, "document number")
    _check(lines, 2, 1, 6, 7, "birth date")
    _check(lines, 2, 9, 14, 15, "expiry date")
    _composite(lines, [(1, 6, 30), (2, 1, 7), (2, 9, 15), (2, 19, 29)], 2, 30)
    surname, given = _names(three)
    mrz = MRZ(
        "TD1",
        one[0:2].rstrip("<"),
        one[2:5].rstrip("<"),
        surname,
        given,
        number.rstrip("<"),
        two[15:18].rstrip("<"),
        two[0:6],
        two[7],
        two[8:14],
        {"optional_1": optional1.rstrip("<"), "optional_2": two[18:29].rstrip("<")},
    )
    _dates(mrz, line=2, birth_at=1, expiry_at=9)
    return mrz


def _dates(mrz: MRZ, *, line: int, birth_at: int, expiry_at: int) -> None:
    if mrz.sex not in ("M", "F", "<", "X"):
        raise IdentifierError(f"sex {mrz.sex!r} is not M, F or <", f"line {line}")
    for value, what, at in ((mrz.birth_date, "birth date", birth_at),):
        try:
            _yymmdd(value, what)
        except IdentifierError as exc:
            raise IdentifierError(exc.message, f"line {line}, columns {at}-{at + 5}") from None
    try:
        mrz.expiry()
    except IdentifierError as exc:
        where = f"line {line}, columns {expiry_at}-{expiry_at + 5}"
        raise IdentifierError(exc.message, where) from None


# --- Kazakhstan: individual identification number (IIN) -------------------------------------------

_KZ_CENTURY = {"1": (1800, "M"), "2": (1800, "F"), "3": (1900, "M"), "4": (1900, "F"),
               "5": (2000, "M"), "6": (2000, "F")}  # fmt: skip


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str


def iin_check_digit(first11: str) -> str | None:
    """Two passes of weights (1…11, then 3…11, 1, 2) modulo 11; None if both give 10 (such
    numbers are not issued)."""
    digits = [int(c) for c in first11]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return str(rest)
    return None


def parse_iin(text: str) -> IIN:
    value = text.strip()
    if not re.fullmatch(r"\d{12}", value):
        raise IdentifierError(f"an IIN is 12 digits, not {value!r}")
    marker = value[6]
    if marker not in _KZ_CENTURY:
        raise IdentifierError(
            f"the 7th digit gives the century of birth and the sex (1–6), not {marker}", "digit 7"
        )
    century, sex = _KZ_CENTURY[marker]
    try:
        born = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise IdentifierError(
            f"digits 1–6 are the birth date YYMMDD: {value[:6]} is not a date", "digits 1-6"
        ) from None
    expected = iin_check_digit(value[:11])
    if expected != value[11]:
        should = "no valid check digit exists" if expected is None else f"should be {expected}"
        raise IdentifierError(f"check digit is {value[11]}, {should}", "digit 12")
    return IIN(value, born, sex)


# --- Belarus: identification number ---------------------------------------------------------------

_BY_CENTURY = {"1": (1800, "M"), "2": (1800, "F"), "3": (1900, "M"), "4": (1900, "F"),
               "5": (2000, "M"), "6": (2000, "F")}  # fmt: skip
_BY_REGIONS = "ABCEHKM"  # Brest, Vitebsk, Gomel, Grodno, Minsk city, Minsk region, Mogilev
_BY_SHAPE = re.compile(r"[1-6]\d{6}[A-Z]\d{3}[A-Z]{2}\d")


@dataclass(frozen=True)
class BelarusID:
    value: str
    birth_date: dt.date
    sex: str
    region: str


def parse_belarus_id(text: str) -> BelarusID:
    """14 characters: century and sex, birth date DDMMYY, region letter, serial, two letters,
    check digit (the 7-3-1 scheme of Doc 9303, letters counted A = 10 … Z = 35)."""
    value = text.strip().upper()
    if len(value) != 14 or not _BY_SHAPE.fullmatch(value):
        raise IdentifierError(
            f"an identification number is 14 characters like 3010190A012PB9, not {value!r}"
        )
    century, sex = _BY_CENTURY[value[0]]
    try:
        born = dt.date(century + int(value[5:7]), int(value[3:5]), int(value[1:3]))
    except ValueError:
        raise IdentifierError(
            f"characters 2–7 are the birth date DDMMYY: {value[1:7]} is not a date",
            "characters 2-7",
        ) from None
    if value[7] not in _BY_REGIONS:
        raise IdentifierError(
            f"character 8 is the region ({', '.join(_BY_REGIONS)}), not {value[7]}", "character 8"
        )
    expected = check_digit(value[:13])
    if value[13] != expected:
        raise IdentifierError(f"check digit is {value[13]}, should be {expected}", "character 14")
    return BelarusID(value, born, sex, value[7])


# --- ISO 3166-1 --------------------------------------------------------------------------------


def country(code: str) -> str:
    """The ISO 3166-1 alpha-2 code, upper case; alpha-3 codes (as in zones) are accepted too."""
    value = code.strip().upper()
    found = None
    if len(value) == 2:
        found = pycountry.countries.get(alpha_2=value)
    elif len(value) == 3:
        found = pycountry.countries.get(alpha_3=value)
    if found is None:
        raise IdentifierError(f"{code!r} is not an ISO 3166-1 country code")
    return found.alpha_2
