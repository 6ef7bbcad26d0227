"""A second generator of registry pairs for the linkage benchmark, apart from `migrex synthetic`.

    .venv/bin/python bench/linkage_registries.py --size 50000 --out /tmp/reg2 [--seed 11]

Writes `a.parquet` (a registry at home: Cyrillic or Armenian script, foreigners in Latin or
Cyrillic), `b.parquet` (a registry abroad: mostly Latin), `truth.parquet` (`record_id_a,
record_id_b, script_pair`) and `labels.parquet` (`registry, record_id, script`: the class each
record counts to). Persons are Russian, Ukrainian, Belarusian, Kazakh, Armenian and Latin-script
foreigners, names from Faker's pools and lists of our own (`_registry_pools`), spelt by official
tables, library transliterators and clerks' letter-by-letter schemes (`_registry_scripts`).
Built in on purpose: namesakes (same given name and birth date, another surname) and twins,
married surnames, typos in both names at once, swapped name fields, dates with day and month
swapped or a digit off, missing patronymics and documents, renewed passports. Nothing here comes
from `migrex`: it is an independent test of its model.
"""

from __future__ import annotations

import argparse
import random
import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from bench import _registry_pools as pools_module
    from bench import _registry_scripts as scripts
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _registry_pools as pools_module  # type: ignore[no-redef]
    import _registry_scripts as scripts  # type: ignore[no-redef]

NATIONS = pools_module.NATIONS
CYRILLIC_NATIONS = (0, 1, 2, 3)  # RUS UKR BLR KAZ
HOME_FORM = {"UKR": 0.65, "BLR": 0.45, "KAZ": 0.65}  # share of records at home in the national form
SCHEME_WEIGHTS = {
    "ru": (0.12, 0.26, 0.15, 0.05, 0.05, 0.04, 0.06, 0.04, 0.05, 0.18),
    "uk": (0.15, 0.35, 0.15, 0.1, 0.05, 0.05, 0.15),
    "be": (0.15, 0.35, 0.15, 0.1, 0.05, 0.05, 0.15),
    "kk": (0.15, 0.25, 0.12, 0.1, 0.1, 0.08, 0.2),
    "hy": (0.25, 0.15, 0.1, 0.1, 0.1, 0.3),
    "lat": (0.6, 0.4),
}
SCHEME_NAMES = (
    ["as_is"]
    + sorted({s for schemes in scripts.SCHEMES.values() for s in schemes if s != "clerk"})
    + [f"clerk{k}" for k in range(8)]
)
SCHEME_CODE = {name: code for code, name in enumerate(SCHEME_NAMES)}
FIELDS = ("surname", "first_name", "patronymic", "birth_place")
EPOCH = np.datetime64("1940-01-01")
DAYS = int((np.datetime64("2007-12-31") - EPOCH).astype(int))


class Persons:
    """The people of both registries, one numpy array per attribute."""

    def __init__(self, pools: pools_module.Pools, count: int, rng: np.random.Generator):
        self.pools = pools
        self.nation = rng.choice(len(NATIONS), count, p=pools_module.NATION_WEIGHTS).astype(np.int8)
        self.female = rng.random(count) < 0.5
        self.birth = rng.integers(0, DAYS, count)
        self.surname = np.zeros(count, np.int64)
        self.given = np.zeros(count, np.int64)
        self.patronymic = np.zeros(count, np.int64)
        self.city = np.zeros(count, np.int64)
        for nation_index, nation in enumerate(NATIONS):
            for female in (False, True):
                where = np.flatnonzero((self.nation == nation_index) & (self.female == female))
                sex = "F" if female else "M"
                for attribute, part, skew in (
                    ("surname", "surname", 0.7),
                    ("given", "given", 0.9),
                    ("patronymic", "patronymic", 0.9),
                ):
                    getattr(self, attribute)[where] = self.draw(
                        nation, sex, part, skew, where.size, rng
                    )
                self.city[where] = self.draw(nation, "", "city", 0.8, where.size, rng)
        self.document = rng.integers(0, 10**8, count)

    def draw(self, nation, sex, part, skew, size, rng):
        """Zipf-popular names: the pool shuffled once, weights 1/rank^skew."""
        ids = np.array(self.pools.groups[(nation, sex, part)])
        ids = ids[np.random.default_rng(len(ids) + len(part)).permutation(len(ids))]
        weights = 1.0 / np.arange(1, len(ids) + 1) ** skew
        return rng.choice(ids, size, p=weights / weights.sum())

    def extend(self, source: np.ndarray, changes: dict[str, np.ndarray]) -> None:
        """Add copies of persons `source`, with the attributes in `changes` replaced."""
        for name in (
            "nation",
            "female",
            "birth",
            "surname",
            "given",
            "patronymic",
            "city",
            "document",
        ):
            values = changes.get(name, getattr(self, name)[source])
            setattr(self, name, np.concatenate([getattr(self, name), values]))


def _namesakes(persons: Persons, count: int, rng: np.random.Generator, twins: bool) -> None:
    """Namesakes: same given name, sex and birth date, another surname, father and birthplace.
    Twins: same surname, father, birth date and birthplace, another given name."""
    weights = np.where(persons.female, 2.0, 1.0)  # women more: their surnames change
    source = rng.choice(persons.nation.size, count, replace=False, p=weights / weights.sum())
    changed = ("given",) if twins else ("surname", "patronymic", "city")
    changes = {name: getattr(persons, name)[source].copy() for name in changed}
    changes["document"] = rng.integers(0, 10**8, count)
    for nation_index, nation in enumerate(NATIONS):
        for female in (False, True):
            where = np.flatnonzero(
                (persons.nation[source] == nation_index) & (persons.female[source] == female)
            )
            for name in changed:
                sex = "" if name == "city" else ("F" if female else "M")
                part = {"given": "given", "city": "city"}.get(name, name)
                ids = np.array(persons.pools.groups[(nation, sex, part)])
                changes[name][where] = rng.choice(ids, where.size)
    persons.extend(source, changes)


@cache
def _prepare_pools() -> pools_module.Pools:
    """The pools, with the Russian-registry form of Armenian and Latin names filled in."""
    pools = pools_module.build()
    for index, lang in enumerate(pools.lang):
        if lang in {"hy", "lat"}:
            pools.ru[index] = scripts.cyrillic(pools.home[index], lang)
    for sex in "MF":  # Արամի (Aram's) → Арамович / Арамовна
        for index in pools.groups[("ARM", sex, "patronymic")]:
            father = scripts.cyrillic(pools.home[index][:-1], "hy")
            pools.ru[index] = pools_module.patronymic_ru(father, sex == "F")
    return pools


def _schemes(lang: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Latin scheme per record, by the language its names are read in."""
    codes = np.zeros(lang.size, np.int64)
    for name, weights in SCHEME_WEIGHTS.items():
        where = np.flatnonzero(lang == name)
        chosen = rng.choice(len(weights), where.size, p=np.array(weights) / sum(weights))
        names = np.array(scripts.SCHEMES[name])[chosen]
        clerk = names == "clerk"
        names = names.astype(object)
        names[clerk] = [f"clerk{k}" for k in rng.integers(0, 8, clerk.sum())]
        codes[where] = [SCHEME_CODE[n] for n in names]
    return codes


def _render(pools, ids: np.ndarray, form: np.ndarray, scheme: np.ndarray) -> np.ndarray:
    """Each name id in its form (0 home, 1 Russian) by its scheme, computed once per distinct
    (name, form, scheme)."""
    keys = (ids * 2 + form) * len(SCHEME_NAMES) + scheme
    unique, inverse = np.unique(keys, return_inverse=True)
    texts = np.empty(unique.size, object)
    for position, key in enumerate(unique.tolist()):
        code, rest = key % len(SCHEME_NAMES), key // len(SCHEME_NAMES)
        index, russian = rest // 2, rest % 2
        base = pools.ru[index] if russian else pools.home[index]
        lang = "ru" if russian and pools.lang[index] != "ru" else pools.lang[index]
        name = SCHEME_NAMES[code]
        texts[position] = base if name == "as_is" else scripts.romanise(base, lang, name)
    return texts[inverse]


def _dates(days: np.ndarray, rng: np.random.Generator, swap: float, digit: float, missing: float):
    text = np.datetime_as_string(EPOCH + days.astype("timedelta64[D]"), unit="D").astype(object)
    roll = rng.random(days.size)
    for at in np.flatnonzero(roll < swap + digit):
        year, month, day = text[at].split("-")
        if roll[at] < swap:
            if int(day) <= 12 and day != month:
                text[at] = f"{year}-{day}-{month}"
            continue
        digits = list(year + month + day)
        where = int(rng.integers(2, 8))
        digits[where] = str((int(digits[where]) + rng.choice([-1, 1])) % 10)
        candidate = "".join(digits)
        candidate = f"{candidate[:4]}-{candidate[4:6]}-{candidate[6:]}"
        if not pd.isna(pd.to_datetime(candidate, format="%Y-%m-%d", errors="coerce")):
            text[at] = candidate
    text[roll > 1 - missing] = ""
    return text


def _documents(nation, number, spaced: bool) -> list[str]:
    out = []
    for n, d in zip(nation.tolist(), number.tolist(), strict=True):
        if n == 0:
            s = f"{d % 10**10:010d}"
            out.append(f"{s[:2]} {s[2:4]} {s[4:]}" if spaced else s)
        elif n == 1:
            out.append(("FA", "FE", "EK", "KE")[d % 4] + f"{d % 10**6:06d}")
        elif n == 2:
            out.append(("MP", "MC", "AB", "KH")[d % 4] + f"{d % 10**7:07d}")
        elif n == 3:
            out.append(f"N{d:08d}")
        elif n == 4:
            out.append(("AN", "AM", "AR")[d % 3] + f"{d % 10**7:07d}")
        else:
            out.append(("C", "P", "X")[d % 3] + f"{d:08d}")
    return out


def _personal(nation, number, birth: np.ndarray) -> list[str]:
    dates = np.datetime_as_string(EPOCH + birth.astype("timedelta64[D]"), unit="D")
    out = []
    for n, d, date in zip(nation.tolist(), number.tolist(), dates.tolist(), strict=True):
        if n == 3:
            out.append(date[2:4] + date[5:7] + date[8:10] + f"{d % 10**6:06d}")
        elif n == 2:
            out.append(f"{d % 10**7:07d}A{d % 997:03d}PB{d % 10}")
        elif n == 4:
            out.append(f"{(d * 7) % 10**10:010d}")
        else:
            out.append("")
    return out


def _typos(texts: np.ndarray, rate: float, rng: random.Random, chosen=None) -> np.ndarray:
    where = chosen if chosen is not None else [i for i in range(texts.size) if rng.random() < rate]
    for at in where:
        texts[at] = scripts.typo(texts[at], rng) if texts[at] else texts[at]
    return texts


def _registry(persons: Persons, members: np.ndarray, side: str, flipped, seed: int):
    """One registry's records of `members` (person indices), and each record's script class."""
    rng = np.random.default_rng(seed)
    typing = random.Random(seed)
    count = members.size
    nation = persons.nation[members]
    home_lang = np.array(["ru", "uk", "be", "kk", "hy", "lat"])[nation]
    flip = flipped[members]
    roll = rng.random(count)
    if side == "a":
        target = np.where((nation == 5) & (roll < 0.45), 1, 0)
        target[flip] = 2
    else:
        target = np.where((nation < 5) & (roll < 0.15), 1, 2)
        target[flip] = 0
    at_home = np.array([1.0, 0.65, 0.45, 0.65, 1.0, 1.0])[nation]
    latin_home = np.array([1.0, 0.6, 0.55, 0.6, 0.9, 1.0])[nation]
    roll = rng.random(count)
    form = np.where(target == 0, roll >= at_home, np.where(target == 1, 1, roll >= latin_home))
    form = form.astype(np.int64)
    lang = np.where((form == 1) & (nation != 5), "ru", home_lang)
    scheme = np.where(target == 2, _schemes(lang, rng), SCHEME_CODE["as_is"])
    surname = persons.surname[members].copy()
    female = persons.female[members]
    if side == "b":  # married since: a surname of her nation's pool, in its feminine form
        married = np.flatnonzero(female & (rng.random(count) < 0.12))
        for index, nation_name in enumerate(NATIONS):
            where = married[nation[married] == index]
            surname[where] = rng.choice(
                persons.pools.groups[(nation_name, "F", "surname")], where.size
            )
    columns = {
        field: _render(persons.pools, ids, form, scheme)
        for field, ids in zip(
            FIELDS,
            (surname, persons.given[members], persons.patronymic[members], persons.city[members]),
            strict=True,
        )
    }
    abroad = side == "b"
    keep_patronymic = np.where(target == 2, 0.35, 0.85) if abroad else np.full(count, 0.95)
    columns["patronymic"][rng.random(count) >= keep_patronymic] = ""
    columns["birth_place"][rng.random(count) >= (0.55 if abroad else 0.9)] = ""
    both = [i for i in range(count) if typing.random() < (0.025 if abroad else 0.004)]
    for field, rate in (("surname", 0.04), ("first_name", 0.03), ("patronymic", 0.02)):
        _typos(columns[field], rate if abroad else rate / 4, typing)
        if field != "patronymic":
            _typos(columns[field], 0, typing, both)
    swapped = rng.random(count) < (0.02 if abroad else 0.005)
    columns["surname"][swapped], columns["first_name"][swapped] = (
        columns["first_name"][swapped],
        columns["surname"][swapped].copy(),
    )
    cyrillic_sex = (target == 1) | ((target == 0) & (nation < 4))
    sex = np.where(female, np.where(cyrillic_sex, "Ж", "F"), np.where(cyrillic_sex, "М", "M"))
    sex = sex.astype(object)
    sex[rng.random(count) < 0.01] = ""
    errors = (0.02, 0.03, 0.005) if abroad else (0.003, 0.005, 0.002)
    citizenship = np.array([*NATIONS[:5], "LAT"], dtype=object)[nation]
    foreign = nation == 5
    citizenship[foreign] = np.array(pools_module.FOREIGN_CITIZENSHIP, dtype=object)[
        persons.document[members][foreign] % 4
    ]
    if abroad:  # dual citizens and changed citizenship
        changed = rng.random(count) < 0.03
        citizenship[changed] = rng.choice(["RUS", "KAZ", "DEU", "USA", "ISR"], changed.sum())
    document = persons.document[members].copy()
    if abroad:
        renewed = rng.random(count) < 0.12
        document[renewed] = rng.integers(0, 10**8, renewed.sum())
    documents = np.array(_documents(nation, document, spaced=not abroad), dtype=object)
    documents[rng.random(count) >= (0.7 if abroad else 0.8)] = ""
    personal = np.array(
        _personal(nation, persons.document[members], persons.birth[members]), object
    )
    personal[rng.random(count) >= (0.35 if abroad else 0.85)] = ""
    frame = pd.DataFrame(
        {
            "record_id": [f"{side}{i:07d}" for i in range(count)],
            "surname": columns["surname"],
            "first_name": columns["first_name"],
            "patronymic": columns["patronymic"],
            "sex": sex,
            "birth_date": _dates(persons.birth[members], rng, *errors),
            "birth_place": columns["birth_place"],
            "citizenship": citizenship,
            "document_number": documents,
            "personal_number": personal,
        }
    )
    script = np.where(target == 2, "Latin", np.where(nation == 3, "Kazakh", "Cyrillic")).astype(
        object
    )
    script[(target == 0) & (nation == 4)] = "Armenian"
    script[(target == 0) & (nation == 5)] = "Latin"
    return frame, script


def generate(size: int, seed: int = 11, overlap: float = 0.8):
    """Registries A and B of `size` records each, `overlap` of them the same persons; the truth
    (`record_id_a, record_id_b, script_pair`) and each record's script class (`labels`)."""
    rng = np.random.default_rng(seed)
    in_both = round(size * overlap)
    alone = size - in_both
    total = in_both + 2 * alone
    namesakes, twins = round(total * 0.07), round(total * 0.02)
    persons = Persons(_prepare_pools(), total - namesakes - twins, rng)
    _namesakes(persons, namesakes, rng, twins=False)
    _namesakes(persons, twins, rng, twins=True)
    order = rng.permutation(total)
    flipped = (rng.random(total) < 0.06) & (persons.nation < 5)
    members_a = rng.permutation(np.concatenate([order[:in_both], order[in_both : in_both + alone]]))
    members_b = rng.permutation(np.concatenate([order[:in_both], order[in_both + alone :]]))
    a, script_a = _registry(persons, members_a, "a", flipped, seed + 1)
    b, script_b = _registry(persons, members_b, "b", flipped, seed + 2)
    position_a = np.empty(total, np.int64)
    position_a[members_a] = np.arange(size)
    position_b = np.empty(total, np.int64)
    position_b[members_b] = np.arange(size)
    shared = order[:in_both]
    rows_a, rows_b = position_a[shared], position_b[shared]
    truth = pd.DataFrame(
        {
            "record_id_a": a["record_id"].to_numpy()[rows_a],
            "record_id_b": b["record_id"].to_numpy()[rows_b],
            "script_pair": script_a[rows_a] + "–" + script_b[rows_b],
        }
    )
    labels = pd.DataFrame(
        {
            "registry": ["a"] * size + ["b"] * size,
            "record_id": np.concatenate([a["record_id"], b["record_id"]]),
            "script": np.concatenate([script_a, script_b]),
        }
    )
    return a, b, truth, labels


def write(folder: Path, a, b, truth, labels) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("a", a), ("b", b), ("truth", truth), ("labels", labels)):
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--overlap", type=float, default=0.8)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    frames = generate(args.size, args.seed, args.overlap)
    write(args.out, *frames)
    print(f"{args.size:,} + {args.size:,} records in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
