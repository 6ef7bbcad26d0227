"""The generator of the synthetic registries: people drawn, written by each registry's
conventions and altered at the rates of `RATES`; `generate`, `write` and the command `main`."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from migrex.matching.synthetic.identifiers import _belarus_id, _iin, _passports
from migrex.matching.synthetic.names import (
    LANGUAGES,
    LATIN,
    NATIVE,
    NEIGHBOUR,
    OWN_LATIN,
    RUSSIAN,
    _languages,
    _render,
)

COLUMNS = (
    "record_id",
    "surname",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "citizenship",
    "document_number",
    "personal_number",
)
HOME = {"KAZ": "kk", "BLR": "be", "ARM": "hy", "RUS": "ru"}
CITIZENSHIP = {"ru": "RUS", "kk": "KAZ", "be": "BLR", "hy": "ARM"}

# People by language: those only in A (a Kazakh registry), only in B, and in both (migrants).
MIX = {
    "a": {"home": 0.6, "ru": 0.3, "other": 0.1},
    "b": {"home": 0.7, "ru": 0.25, "other": 0.05},
    "shared": {"ru": 0.35, "kk": 0.3, "be": 0.25, "hy": 0.1},
}
RATES = {
    "a": {"latin": 0.05, "typo": 0.01, "no_patronymic": 0.02, "no_place": 0.3},
    "b": {"latin": 0.3, "typo": 0.06, "no_patronymic": 0.08, "no_place": 0.3},
    "own_latin": 0.2,  # of Latin records: the given name as the holder's own choice
    "upper": 0.5,  # of Latin records: in capitals, as in the zone of a passport
    "armenian_script": 0.15,  # an Armenian in B, written in Armenian script
    "neighbour": 0.2,  # a Russian in B, the given name in B's language
    "home_native": {"kk": 0.6, "be": 0.5, "hy": 1.0, "ru": 1.0},
    "date_error": 0.04,  # a shared person's birth date in B
    "marriage": 0.04,  # a shared woman's surname in B
    "same_passport": 0.25,  # a shared person's passport number in both registries
    "dual": 0.3,  # a shared person recorded in B as B's citizen
}


# --- registries -----------------------------------------------------------------------------


def _zipf(rng: np.random.Generator, size: int, count: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return rng.choice(size, count, p=weights / weights.sum())


@dataclass
class _People:
    language: np.ndarray  # index into LANGUAGES
    female: np.ndarray  # bool
    surname: np.ndarray
    given: np.ndarray
    father: np.ndarray
    place: np.ndarray
    born: np.ndarray  # datetime64[D]

    def __len__(self) -> int:
        return len(self.language)


def _people(rng: np.random.Generator, count: int, shares: dict[str, float]) -> _People:
    codes = list(shares)
    language = rng.choice([LANGUAGES.index(c) for c in codes], count, p=list(shares.values()))
    female = rng.random(count) < 0.5
    surname, given, father, place = (np.zeros(count, dtype=np.int64) for _ in range(4))
    for number, code in enumerate(LANGUAGES):
        rows = np.flatnonzero(language == number)
        if not len(rows):
            continue
        spec = _languages()[code]
        surname[rows] = _zipf(rng, len(spec.surnames), len(rows), 0.9)
        father[rows] = _zipf(rng, len(spec.male), len(rows))
        place[rows] = _zipf(rng, len(spec.places), len(rows))
        women = rows[female[rows]]
        men = rows[~female[rows]]
        given[women] = _zipf(rng, len(spec.female), len(women))
        given[men] = _zipf(rng, len(spec.male), len(men))
    start, end = np.datetime64("1945-01-01"), np.datetime64("2007-12-31")
    born = start + rng.integers(0, (end - start).astype(int) + 1, count).astype("timedelta64[D]")
    return _People(language, female, surname, given, father, place, born)


def _mix(side: str, home: str) -> dict[str, float]:
    shares = MIX[side]
    if side == "shared":
        return shares
    others = [c for c in LANGUAGES if c not in (home, "ru")]
    out = (
        {home: shares["home"], "ru": shares["ru"]}
        if home != "ru"
        else {"ru": 1.0 - shares["other"]}
    )
    for code in others:
        out[code] = out.get(code, 0.0) + shares["other"] / len(others)
    return out


def _forms(rng: np.random.Generator, people: _People, home: str, side: str) -> np.ndarray:
    """The form each record's names are written in, by the registry's country conventions."""
    n = len(people)
    code = np.array(LANGUAGES)[people.language]
    forms = np.full(n, RUSSIAN)
    roll = rng.random(n)
    native_share = np.array([RATES["home_native"][c] for c in LANGUAGES])[people.language]
    forms[(code == home) & (roll < native_share)] = NATIVE
    if side == "b":
        forms[(code == "ru") & (code != home) & (roll < RATES["neighbour"])] = NEIGHBOUR
        forms[(code == "hy") & (rng.random(n) < RATES["armenian_script"])] = NATIVE
    latin = rng.random(n) < RATES[side]["latin"]
    variants = rng.integers(0, 10, n) * 2 + (rng.random(n) < RATES["upper"])
    forms[latin] = LATIN + variants[latin]
    forms[latin & (rng.random(n) < RATES["own_latin"])] = OWN_LATIN
    return forms


def _column(kind: str, people: _People, index: np.ndarray, forms: np.ndarray, home: str):
    """Render a field for every record, once per distinct (language, name, sex, form)."""
    key = ((people.language.astype(np.int64) * 1000 + index) * 2 + people.female) * 64 + forms
    unique, inverse = np.unique(key, return_inverse=True)
    values = np.empty(len(unique), dtype=object)
    for number, k in enumerate(unique.tolist()):
        form, rest = k % 64, k // 64
        female, rest = rest % 2, rest // 2
        code, name = LANGUAGES[rest // 1000], rest % 1000
        values[number] = _render(kind, code, name, bool(female), form, home)
    return values[inverse]


_ALPHABETS = {
    "latin": "abcdefghijklmnoprstuvyz",
    "cyrillic": "абвгдежзиклмнопрстуфхцшыя",
}


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 3:
        return word
    at = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + word[at] + word[at:]
    if kind == 2:
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    letters = _ALPHABETS["latin" if word.isascii() else "cyrillic"]
    letter = letters[int(rng.integers(0, len(letters)))]
    return word[:at] + (letter.upper() if word[at].isupper() else letter) + word[at + 1 :]


def _date_errors(rng: np.random.Generator, born: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Day and month swapped (where that is another date), a day off, or a wrong year digit."""
    born = born.copy()
    for row in rows.tolist():
        day = born[row].astype(object)
        kind = int(rng.integers(0, 3))
        if kind == 0 and day.day <= 12 and day.day != day.month:
            new = day.replace(month=day.day, day=day.month)
        elif kind == 2:
            digit = int(rng.choice([d for d in range(10) if d != day.year % 10]))
            year = day.year - day.year % 10 + digit
            new = day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)
        else:
            new = day + np.timedelta64(int(rng.choice([-1, 1])), "D").astype(object)
        born[row] = np.datetime64(new, "D")
    return born


def _registry(
    rng: np.random.Generator,
    people: _People,
    side: str,
    country: str,
    citizenship: np.ndarray,
) -> pd.DataFrame:
    rates = RATES[side]
    home = HOME.get(country, "ru")
    n = len(people)
    forms = _forms(rng, people, home, side)
    columns = {
        "surname": _column("surname", people, people.surname, forms, home),
        "first_name": _column("given", people, people.given, forms, home),
        "patronymic": _column("patronymic", people, people.father, forms, home),
        "birth_place": _column("place", people, people.place, forms, home),
    }
    columns["patronymic"][rng.random(n) < rates["no_patronymic"]] = None
    columns["birth_place"][rng.random(n) < rates["no_place"]] = None
    typos = np.flatnonzero(rng.random(n) < rates["typo"])
    in_surname = rng.random(len(typos)) < 0.7
    for row, surname in zip(typos.tolist(), in_surname.tolist(), strict=True):
        field = "surname" if surname else "first_name"
        columns[field][row] = _typo(rng, columns[field][row])
    own = citizenship == country
    personal = np.full(n, None, dtype=object)
    number = _iin if country == "KAZ" else _belarus_id if country == "BLR" else None
    if number is not None and own.any():
        personal[own] = number(rng, people.born[own], people.female[own])
    return pd.DataFrame(
        {
            **{k: columns[k] for k in ("surname", "first_name", "patronymic")},
            "sex": np.where(people.female, "F", "M"),
            "birth_date": np.datetime_as_string(people.born, unit="D").astype(object),
            "birth_place": columns["birth_place"],
            "citizenship": citizenship,
            "document_number": _passports(rng, citizenship),
            "personal_number": personal,
        }
    )


def generate(
    size: int,
    *,
    seed: int = 0,
    overlap: float = 0.5,
    a_country: str = "KAZ",
    b_country: str = "BLR",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Registries A and B of `size` records each and the truth (`record_id_a, record_id_b`):
    round(size * overlap) people are in both."""
    if size < 1 or not 0 <= overlap <= 1:
        raise ValueError("size must be positive and overlap between 0 and 1")
    rng = np.random.default_rng(seed)
    shared = round(size * overlap)
    a_home, b_home = HOME.get(a_country, "ru"), HOME.get(b_country, "ru")
    both = _people(rng, shared, MIX["shared"])
    only_a = _people(rng, size - shared, _mix("a", a_home))
    only_b = _people(rng, size - shared, _mix("b", b_home))

    def concat(x: _People, y: _People) -> _People:
        return _People(
            *(np.concatenate([getattr(x, f), getattr(y, f)]) for f in x.__dataclass_fields__)
        )

    def citizens(people: _People, country: str, foreign: float) -> np.ndarray:
        theirs = np.array([CITIZENSHIP[c] for c in LANGUAGES])[people.language]
        return np.where(rng.random(len(people)) < foreign, theirs, country).astype(object)

    a_people, b_people = concat(both, only_a), concat(both, only_b)
    a_citizenship = np.concatenate(
        [citizens(both, a_country, 0.4), citizens(only_a, a_country, 0.3)]
    )
    b_citizenship = np.concatenate(
        [
            np.where(rng.random(shared) < RATES["dual"], b_country, a_citizenship[:shared]),
            citizens(only_b, b_country, 0.3),
        ]
    ).astype(object)
    # What B's registry records differently about the shared people.
    married = np.flatnonzero(both.female & (rng.random(shared) < RATES["marriage"]))
    for number, code in enumerate(LANGUAGES):
        rows = married[both.language[married] == number]
        count = len(_languages()[code].surnames)
        b_people.surname[rows] = (
            b_people.surname[rows] + rng.integers(1, count, len(rows))
        ) % count
    wrong_dates = np.flatnonzero(rng.random(shared) < RATES["date_error"])
    b_people.born = _date_errors(rng, b_people.born, wrong_dates)

    a = _registry(rng, a_people, "a", a_country, a_citizenship)
    b = _registry(rng, b_people, "b", b_country, b_citizenship)
    same = np.flatnonzero(rng.random(shared) < RATES["same_passport"])
    b.loc[same, "document_number"] = a.loc[same, "document_number"].to_numpy()
    # Identifiers in random order, so that neither they nor the order of the rows tell anything.
    for frame, prefix in ((a, "A"), (b, "B")):
        frame.insert(0, "record_id", [f"{prefix}{i:07d}" for i in rng.permutation(size) + 1])
    truth = pd.DataFrame(
        {"record_id_a": a["record_id"][:shared], "record_id_b": b["record_id"][:shared]}
    )
    a, b = (frame.sort_values("record_id", ignore_index=True) for frame in (a, b))
    return a, b, truth.sort_values("record_id_a", ignore_index=True)


def write(
    folder: Path, a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, format: str = "csv"
) -> list[Path]:
    """a.<format>, b.<format> and truth.<format> in `folder` (csv or parquet)."""
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {format!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("a", a), ("b", b), ("truth", truth)):
        path = folder / f"{name}.{format}"
        if format == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrex synthetic",
        description="Синтетические реестры лиц / synthetic person registries with the truth",
    )
    parser.add_argument("--size", type=int, default=10_000, help="records in each registry")
    parser.add_argument("--out", type=Path, required=True, help="a folder for a, b and truth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overlap", type=float, default=0.5, help="share of people in both")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args(argv)
    if args.size < 1 or not 0 <= args.overlap <= 1:
        parser.error("--size must be positive and --overlap between 0 and 1")
    started = time.perf_counter()
    print(f"генерация / generating 2 × {args.size:,} records", file=sys.stderr, flush=True)
    a, b, truth = generate(args.size, seed=args.seed, overlap=args.overlap)
    print(
        f"[{time.perf_counter() - started:.1f} s] запись / writing {args.out}",
        file=sys.stderr,
        flush=True,
    )
    for path in write(args.out, a, b, truth, args.format):
        print(path, file=sys.stderr)
    print(f"[{time.perf_counter() - started:.1f} s] готово / done", file=sys.stderr)
    return 0
