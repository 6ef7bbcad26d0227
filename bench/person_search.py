"""Benchmark: finding one person among 1,000,000 records, by any spelling.

A throwaway node receives one dataset of N generated person records (registry B of
`migrex.matching.synthetic`: Cyrillic, Armenian and Latin spellings, typos, swapped dates) and
indexes them as the dataset handler does. Then queries are drawn from registry A, the same people
as their own registry spells them, of four kinds:

- the surname, given name and birth date;
- the full name as registry A holds it (with the patronymic, where it has one), the sex and the
  birth date: what an officer holding the person's document asks;
- the surname and given name;
- a near spelling of the surname and the given name: the surname as an officer may hear or copy
  it (`near_spelling`: a voiced consonant for an unvoiced one or the reverse, Ахмедов for
  Ахметов; a vowel heard otherwise, о/а, е/и; written in Latin with x for х, J for ж, or
  without the carons of its language's scheme, Sevcenko), always one that folds differently
  from the surname as written, so that the folding key alone cannot find it. These are the
  confusions the skeleton key (`translit.skeleton`) was built for, not an independent sample;
- the document only (where registry B holds the same passport).

Printed: the median and p95 of `search.search`, overall and per kind; per kind, how often the
person sought is the first candidate, first or tied-first (the first candidate's entry holds the
same as the person's for every field the query asks, so no search could put either first), in
the top 5 and among the candidates at all, and how
often the first candidate bears the person's name as registry B holds it (folding keys of the
surname and given name equal). By name alone a common name has hundreds of namesakes among a
million, so the person is first only by chance: what the search can do there is bring the
person's name first. A baseline is measured in the same run: one indexed equality query on the
raw stored surname (what a search that knows no spelling costs).

`--against REVISION` runs the search module of another git revision (one whose search.py runs
on this schema) beside the current one on the same node: each query by both, in random order,
so that both see the same load. `--generator other` draws the people from
bench/linkage_registries.py, a generator that shares no code with `migrex synthetic`.

    .venv/bin/python bench/person_search.py [--records 1000000] [--queries 2500]
        [--generator synthetic|other] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
        [--against 2b3d411]

Target (issue 16): p95 under 10 ms over 1,000,000 records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import time
import types
import unicodedata
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import ROOT, node_environment, setup_django, summary

TARGET_MS = 10.0
KINDS = (
    "surname, given name, birth date",
    "full name, sex, birth date",
    "surname, given name",
    "near spelling, given name",
    "document",
)
# Consonants an ear confuses: voiced and unvoiced.
_VOICING = dict(zip("тдкгпбсзфвшжtdkgpbszfv", "дтгкбпзсвфжшdtgkpbzsvf", strict=True))
_VOWELS = dict(zip("оаеиoaei", "аоиеaoie", strict=True))
_MARKED = {"be": "be:national", "kk": "kk:latin_2021", "hy": "hy:iso_9985"}


def _spelling(value: str) -> dict:
    return {"latin": value} if value.isascii() else {"cyrillic": value}


def _swap(name: str, table: dict[str, str], at: int) -> str:
    c = name[at]
    other = table[c.lower()]
    return name[:at] + (other.upper() if c.isupper() else other) + name[at + 1 :]


def _unmarked(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def near_spelling(name: str, rng: random.Random) -> str | None:
    """The surname as an officer may hear or copy it, one that folds differently (the module
    docstring); None when there is none."""
    from migrex.matching import translit

    options = []
    for at in range(1, len(name)):
        if name[at].lower() in _VOICING:
            options.append(_swap(name, _VOICING, at))
        if at > 1 and name[at].lower() in _VOWELS:
            options.append(_swap(name, _VOWELS, at))
    language = translit.detect(name).language or "ru"
    schemes = translit.schemes_for(language)
    if not name.isascii() and schemes:
        written = translit.latin(name, schemes[0].name)
        options.append(written.replace("kh", "x").replace("Kh", "X").replace("KH", "X"))
        options.append(written.replace("zh", "j").replace("Zh", "J").replace("ZH", "J"))
        if language in _MARKED:
            options.append(_unmarked(translit.latin(name, _MARKED[language])))
    rng.shuffle(options)
    folded = translit.fold(name)
    return next((o for o in options if translit.fold(o) != folded), None)


def person(row) -> dict:
    data = {"surname": _spelling(row.surname) if row.surname else None}
    for column, key in (("first_name", "given_name"), ("patronymic", "patronymic")):
        if getattr(row, column):
            data[key] = _spelling(getattr(row, column))
    if row.sex:
        data["sex"] = row.sex
    if row.birth_date:
        data["birth_date"] = row.birth_date
    if row.document_number:
        data["identity_document"] = [{"number": row.document_number}]
    return {k: v for k, v in data.items() if v}


def registries(records: int, generator: str):
    """Registries A and B of the same `records` people and the truth (`record_id_a`,
    `record_id_b`): from `migrex synthetic`, or from bench/linkage_registries.py (a generator that
    shares no code with it: names from Faker's pools, clerks' romanisations, namesakes and twins
    built in); its registry A writes the sex in Cyrillic (М, Ж), here M and F as registry B does."""
    if generator == "synthetic":
        from migrex.matching import synthetic

        return synthetic.generate(records, seed=11, overlap=1.0)
    from bench import linkage_registries

    a, b, truth, _ = linkage_registries.generate(records, seed=11, overlap=1.0)
    a["sex"] = a["sex"].map({"М": "M", "Ж": "F"}).fillna("")
    return a, b, truth


def seed(records: int, generator: str):
    from django.core.management import call_command

    from migrex.agreements.models import Authority
    from migrex.agreements.services import load
    from migrex.persons import search
    from migrex.persons.models import Dataset, PersonRecord

    call_command("migrate", verbosity=0)
    load("kz-by-2019")
    started = time.perf_counter()
    a, b, truth = registries(records, generator)
    print(f"generated {len(b):,} records in {time.perf_counter() - started:.1f} s", flush=True)
    by, kz = Authority.objects.get(code="by-mvd"), Authority.objects.get(code="kz-mvd")
    dataset = Dataset.objects.create(
        message_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        agreement=by.agreements.first(),
        provider=kz,
        recipient=by,
        title="bench",
        purpose="bench",
        category="residence_permit",
        records=len(b),
        size=0,
        sha256="0" * 64,
        received_at=dt.datetime.now(dt.UTC),
    )
    started = time.perf_counter()
    ids = {}
    chunk = 5000
    for start in range(0, len(b), chunk):
        part = b.iloc[start : start + chunk]
        created = PersonRecord.objects.bulk_create(
            PersonRecord(dataset=dataset, position=start + i, data=person(row))
            for i, row in enumerate(part.itertuples())
        )
        search.index_records(created, by.pk)
        ids.update(zip(part["record_id"], (r.pk for r in created), strict=True))
        if start % 100_000 == 0:
            print(f"  stored and indexed {start + len(part):,}", flush=True)
    print(f"stored and indexed in {time.perf_counter() - started:.1f} s", flush=True)
    return by.pk, a, b, truth, ids


def queries(a, b, truth, ids, count: int) -> list[tuple[str, dict, int]]:
    """(kind, query fields, the record id sought), shuffled."""
    wanted = dict(zip(truth["record_id_a"], truth["record_id_b"], strict=True))
    b_document = dict(zip(b["record_id"], b["document_number"], strict=True))
    shared = a[a["record_id"].isin(wanted)]
    # By document only where registry B holds the same passport (a quarter of the people):
    # for the others no search could find the person by document.
    held = shared["document_number"].fillna("") != ""
    same = shared[
        held & (shared["document_number"] == shared["record_id"].map(wanted).map(b_document))
    ]
    # A date the registry lacks cannot be asked by (bench/linkage_registries.py leaves some out).
    dated = shared[shared["birth_date"].fillna("") != ""]
    per_kind = count // len(KINDS)
    rng = random.Random(7)
    out = []
    for kind in KINDS:
        pool = same if kind == "document" else dated if "birth date" in kind else shared
        made = 0
        for row in pool.sample(per_kind * 2, random_state=3).itertuples():
            if kind == "document":
                fields = {"document": row.document_number}
            elif kind == "surname, given name":
                fields = {"surname": row.surname, "given_name": row.first_name}
            elif kind == "full name, sex, birth date":
                birth = dt.date.fromisoformat(row.birth_date)
                fields = {"surname": row.surname, "given_name": row.first_name, "sex": row.sex}
                fields.update(birth_date=birth, patronymic=row.patronymic or "")
            elif kind == "near spelling, given name":
                near = near_spelling(row.surname, rng)
                if near is None:
                    continue
                fields = {"surname": near, "given_name": row.first_name}
            else:
                birth = dt.date.fromisoformat(row.birth_date)
                fields = {"surname": row.surname, "given_name": row.first_name, "birth_date": birth}
            out.append((kind, fields, ids[wanted[row.record_id]]))
            made += 1
            if made == per_kind:
                break
    random.Random(5).shuffle(out)
    return out


def _module_at(revision: str):
    """migrex/persons/search.py as it was at `revision`, loaded beside the current one with the
    ranking and the lookups of that revision (those it imports), so that both rank their own way.
    """
    loaded = {}
    saved = {name: sys.modules.get(f"migrex.persons.{name}") for name in ("ranking", "lookups")}
    try:
        for name in ("ranking", "lookups", "search"):
            path = f"migrex/persons/{name}.py"
            shown = subprocess.run(
                ["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True
            )
            if shown.returncode:  # not in that revision: the current one
                continue
            module = types.ModuleType(f"{name}_at_{revision}")
            sys.modules[module.__name__] = module  # dataclasses look their module up
            code = compile(shown.stdout, f"{revision}:{path}", "exec")
            exec(code, module.__dict__)  # noqa: S102
            loaded[name] = module
            if name in saved:  # what the next one imports
                sys.modules[f"migrex.persons.{name}"] = module
    finally:
        for name, module in saved.items():
            sys.modules[f"migrex.persons.{name}"] = module
    return loaded["search"]


# What a query asks, as an entry holds it: the first candidate is tied with the person when the
# two entries hold the same for every field the query asks (no search could tell them apart).
HELD = ("surname", "given_name", "patronymic", "sex", "birth_date", "document")


def _tied(first, person: tuple, fields: dict) -> bool:
    values = dict(zip(HELD, person, strict=True))
    return all(getattr(first, name) == values[name] for name, value in fields.items() if value)


class Tally:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        # asked, first, first or tied, top 5, found, name
        self.hits = {kind: [0, 0, 0, 0, 0, 0] for kind in KINDS}
        self.misses: list[tuple] = []  # (kind, query, the first candidate, the person's entry)

    def run(self, module, authority: int, kind: str, fields: dict, expected: int, held) -> None:
        """`held`: record id -> its entry's values of `HELD`."""
        query = module.Query(**fields)
        started = time.perf_counter()
        found = module.search(authority, query)
        self.times[kind].append((time.perf_counter() - started) * 1000)
        got = [c.entry.record_id for c in found.candidates]
        first = found.candidates[0].entry if found.candidates else None
        tally = self.hits[kind]
        tally[0] += 1
        tally[1] += bool(got) and got[0] == expected
        tally[2] += expected in got and first is not None and _tied(first, held[expected], fields)
        tally[3] += expected in got[:5]
        tally[4] += expected in got
        tally[5] += first is not None and (first.surname, first.given_name) == held[expected][:2]
        if "birth date" in kind and not (got and got[0] == expected):
            at = got.index(expected) if expected in got else None
            self.misses.append((kind, fields, found.candidates[:1], held[expected], at))

    def report(self, title: str) -> float:
        everything = [t for kind in KINDS for t in self.times[kind]]
        median, p95 = summary(everything)
        print(f"{title}: median {median:.2f} ms, p95 {p95:.2f} ms (target p95 < {TARGET_MS:.0f})")
        for kind in KINDS:
            asked, first, tied, top5, anywhere, name = self.hits[kind]
            if not asked:
                continue
            median, p95_kind = summary(self.times[kind])
            print(
                f"  by {kind:<32} median {median:5.2f} ms, p95 {p95_kind:5.2f} ms; the person "
                f"first {first / asked:6.1%}, first or tied-first {tied / asked:6.1%}, top 5 "
                f"{top5 / asked:6.1%}, among the candidates {anywhere / asked:6.1%}; the "
                f"person's name first {name / asked:6.1%} ({asked})"
            )
        return p95


def _load() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2500)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a throwaway database)")
    parser.add_argument(
        "--generator",
        choices=("synthetic", "other"),
        default="synthetic",
        help="the people: `migrex synthetic`'s, or bench/linkage_registries.py's",
    )
    parser.add_argument("--against", help="a git revision whose search module runs beside")
    parser.add_argument(
        "--misses", action="store_true", help="print the queries with a birth date it missed"
    )
    args = parser.parse_args()
    with node_environment(args.postgres or "sqlite") as env:
        setup_django(env)
        from django.db import connection

        from migrex.persons import search
        from migrex.persons.models import SearchEntry

        authority, a, b, truth, ids = seed(args.records, args.generator)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        asked = queries(a, b, truth, ids, args.queries)
        held = {
            values[0]: values[1:]
            for values in SearchEntry.objects.filter(
                record_id__in=[expected for _, _, expected in asked]
            ).values_list("record_id", *HELD)
        }
        modules = {"search": search}
        if args.against:
            modules[f"search at {args.against}"] = _module_at(args.against)
        tallies = {title: Tally() for title in modules}
        for module in modules.values():  # warm the caches, as a node in service has them
            module.search(authority, module.Query(**asked[0][1]))
        print(f"before the queries: {_load()}", flush=True)
        order = random.Random(9)
        for kind, fields, expected in asked:
            titles = list(modules)
            order.shuffle(titles)
            for title in titles:
                tallies[title].run(modules[title], authority, kind, fields, expected, held)
        print(f"after the queries: {_load()}")
        step = max(1, args.records // 500)
        stored = list(
            SearchEntry.objects.filter(pk__in=range(1, args.records + 1, step)).values_list(
                "surname", flat=True
            )
        )
        baseline = []
        for value in stored * (len(asked) // max(len(stored), 1) + 1):
            started = time.perf_counter()
            list(SearchEntry.objects.filter(authority_id=authority, surname=value)[:20])
            baseline.append((time.perf_counter() - started) * 1000)
            if len(baseline) == len(asked):
                break
        print(f"{args.records:,} records, {len(asked):,} queries ({connection.vendor})")
        for title, tally in tallies.items():
            tally.report(title)
            for kind, fields, first, person, at in tally.misses if args.misses else ():
                top = [(c.score, c.fields, str(c.entry), c.entry.patronymic) for c in first]
                print(f"  missed ({kind}): {fields}\n    person {person} at {at}; first {top}")
        median, p95 = summary([t for kind in KINDS for t in tallies["search"].times[kind]])
        base_median, base_p95 = summary(baseline)
        print(
            f"baseline (one indexed equality on a stored key): median {base_median:.2f} ms, "
            f"p95 {base_p95:.2f} ms\nratio search/baseline: median {median / base_median:.1f}, "
            f"p95 {p95 / base_p95:.1f}"
        )


if __name__ == "__main__":
    main()
