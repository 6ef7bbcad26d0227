"""Agreement profiles: a treaty as data, its loader and its errors; the schema's public face.

Pure module (no Django). A rule the source does not state is written `{unknown: "<why>"}`:
accessors then give nothing and `Profile.rule()` raises RuleUnknownError, so the engine
refuses whatever depends on it instead of guessing. Date and event rules live in dates.py.

The schema is split by topic: value types and base models in schema_base.py, parties,
authorities and events in schema_events.py, the rule sections in schema_rules.py, and the
wording of validation errors and the errors themselves in schema_errors.py; YAML reading with
line numbers is in yaml_lines.py.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from migrex.agreements.dates import date_problems
from migrex.agreements.schema_base import (
    KeyPath,
    Maybe,
    PositiveInt,
    Slug,
    Strict,
    Text,
    Unknown,
    _dotted,
)
from migrex.agreements.schema_errors import ProfileError, RuleUnknownError, _from_pydantic
from migrex.agreements.schema_events import (
    Authority,
    Event,
    Language,
    Party,
    Source,
)
from migrex.agreements.schema_rules import (
    FieldItem,
    PersonalData,
    Refusal,
    Retention,
    Rules,
)
from migrex.agreements.yaml_lines import _line, _Loader, _map_lines

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


# --- the profile ---------------------------------------------------------------------------------


class Profile(Strict):
    code: Slug
    version: PositiveInt
    title: Text
    source: Source
    articles: Maybe[PositiveInt]
    language: Maybe[Language]
    parties: tuple[Party, ...] = Field(min_length=2, max_length=2)
    authorities: tuple[Authority, ...] = Field(min_length=1)
    events: tuple[Event, ...] = Field(min_length=1)
    rules: Rules

    @model_validator(mode="after")
    def _consistent(self) -> "Profile":
        problems = _reference_problems(self) + date_problems(self)
        if problems:
            # A ProfileError, not a ValueError, so pydantic lets it through with its paths intact.
            raise ProfileError.collect([ProfileError(msg, path=_dotted(p)) for p, msg in problems])
        return self

    @property
    def digest(self) -> str:
        data = self.model_dump(mode="json")
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def rule(self, dotted: str) -> Any:
        """The object at `dotted` (e.g. "rules.deadlines.termination"); RuleUnknownError when it
        or a section above it is unknown."""
        obj: Any = self
        walked: list[str] = []
        for part in dotted.split("."):
            obj = getattr(obj, part)
            walked.append(part)
            if isinstance(obj, Unknown):
                raise RuleUnknownError(self.code, ".".join(walked), obj.unknown)
        return obj

    def party(self, code: str) -> Party:
        found = [p for p in self.parties if p.code == code]
        if not found:
            listing = ", ".join(self.party_codes)
            raise KeyError(f"{self.code}: no party {code!r} (parties are {listing})")
        return found[0]

    @property
    def party_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.parties)

    def authority(self, code: str) -> Authority:
        found = [a for a in self.authorities if a.code == code]
        if not found:
            raise KeyError(f"{self.code}: no competent authority {code!r}")
        return found[0]

    def authorities_of(self, party_code: str) -> list[Authority]:
        return [a for a in self.authorities if a.party == party_code]

    def _codes(self, section: str, attr: str = "code") -> frozenset[str]:
        value = getattr(self.rules, section)
        if isinstance(value, Unknown):
            return frozenset()
        items = value.grounds if isinstance(value, Refusal) else value
        items = value.fields if isinstance(value, PersonalData) else items
        return frozenset(getattr(i, attr) for i in items)

    @property
    def field_codes(self) -> frozenset[str]:
        """Art. 6 fields that may be passed; empty when the list is unknown, so nothing may."""
        return self._codes("personal_data", "field")

    @property
    def category_codes(self) -> frozenset[str]:
        return self._codes("person_categories")

    @property
    def refusal_ground_codes(self) -> frozenset[str]:
        return self._codes("refusal")

    @property
    def topic_codes(self) -> frozenset[str]:
        return self._codes("topics")


def rule_or_empty(profile: Profile | None, path: str) -> Any:
    """A profile rule, or () when there is no profile or it leaves the rule unknown (a form then
    offers nothing to choose)."""
    if profile is None:
        return ()
    try:
        return profile.rule(path)
    except RuleUnknownError:
        return ()


def _walk(obj: Any, path: KeyPath = ()) -> Any:
    yield path, obj
    if isinstance(obj, BaseModel):
        for name, f in type(obj).model_fields.items():
            yield from _walk(getattr(obj, name), (*path, f.alias or name))
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from _walk(item, (*path, i))
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _walk(item, (*path, key))


def _reference_problems(p: Profile) -> list[tuple[KeyPath, str]]:
    """Unique codes in every list, articles inside the agreement, parties that exist."""
    out: list[tuple[KeyPath, str]] = []
    parties = [x.code for x in p.parties]
    articles = None if isinstance(p.articles, Unknown) else p.articles
    for path, node in _walk(p):
        if isinstance(node, tuple):
            first: dict[str, int] = {}
            for i, item in enumerate(node):
                attr = "field" if isinstance(item, FieldItem) else "code"
                key = getattr(item, attr, None)
                if not isinstance(key, str):
                    continue
                if key in first:
                    where = _dotted((*path, first[key]))
                    out.append(((*path, i, attr), f"duplicate {attr} {key!r} (first at {where})"))
                first.setdefault(key, i)
        article = getattr(node, "article", None) if isinstance(node, BaseModel) else None
        number = (
            int(article.split(".")[0]) if isinstance(article, str) and article[0].isdigit() else 0
        )
        if articles and number > articles:
            problem = f"article {article} does not exist: the agreement has {articles} articles"
            out.append(((*path, "article"), problem))
    for i, a in enumerate(p.authorities):
        if a.party not in parties:
            out.append((("authorities", i, "party"), _unknown_party(a.party, parties)))
    if all(a.party in parties for a in p.authorities):  # else the fix is the party above
        for j, code in enumerate(parties):
            if not p.authorities_of(code):
                out.append((("parties", j), f"party {code} has no competent authority (Art. 2)"))
    retention = p.rules.retention
    if isinstance(retention, Retention):
        at = ("rules", "retention", "periods")
        strays = [((*at, c), _unknown_party(c, parties)) for c in retention.periods]
        strays = [x for x in strays if x[0][-1] not in parties]
        missing = [(at, f"no entry for party {c}") for c in parties if c not in retention.periods]
        out += strays or missing  # a stray key is most likely the missing party misspelt
    return out


def _unknown_party(code: str, parties: list[str]) -> str:
    return f"unknown party {code!r} (parties are {', '.join(parties)})"


# --- loading -------------------------------------------------------------------------------------


def _read_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProfileError(
                "the file is empty; a profile is a YAML mapping", source=source, line=1
            )
        lines: dict[str, int] = {}
        dups: list[tuple[str, str, int]] = []
        _map_lines(node, (), lines, dups)
        if dups:
            errors = [ProfileError(problem, path=p, line=n) for problem, p, n in dups]
            for e in errors:
                e.source = source
            raise ProfileError.collect(errors)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        context = f" ({e.context})" if e.context else ""
        line = mark.line + 1 if mark else None
        what = (
            "YAML error"
            if isinstance(e, yaml.constructor.ConstructorError)
            else "YAML syntax error"
        )
        raise ProfileError(f"{what}: {e.problem}{context}", source=source, line=line) from None
    except yaml.YAMLError as e:
        raise ProfileError(f"YAML error: {e}", source=source) from None
    finally:
        loader.dispose()


def _validate(data: Any, source: str, lines: dict[str, int]) -> Profile:
    try:
        return Profile.model_validate(data)
    except ValidationError as e:
        problems = _from_pydantic(e)
    except ProfileError as e:
        problems = [(x.path, x.problem) for x in e.errors]
    errors = [ProfileError(pr, source=source, path=p, line=_line(lines, p)) for p, pr in problems]
    errors.sort(key=lambda x: x.line or 0)  # file order; stable for ties
    raise ProfileError.collect(errors)


def parse_profile(text: str, source: str) -> Profile:
    """Validate a profile from YAML text; `source` names it in errors (usually the file name)."""
    data, lines = _read_yaml(text, source)
    return _validate(data, source, lines)


def profile_from_data(data: Any, source: str = "<data>") -> Profile:
    """Validate already-parsed data (e.g. a modified `model_dump()`); errors carry no lines."""
    return _validate(data, source, {})


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(f"cannot read the profile: {e}", source=path.name) from None
    return parse_profile(text, path.name)


def shipped_profile_paths() -> dict[str, Path]:
    """Profiles shipped with migrex, by code (the file name without .yaml)."""
    return {p.stem: p for p in sorted(PROFILES_DIR.glob("*.yaml"))}


def resolve(code_or_path: str) -> Path:
    """A shipped profile's code or a path to a profile file -> the file."""
    shipped = shipped_profile_paths()
    if code_or_path in shipped:
        return shipped[code_or_path]
    candidate = Path(code_or_path)
    if candidate.is_file():
        return candidate
    known = ", ".join(shipped) or "none"
    problem = f"no shipped profile with this code (shipped: {known}) and no such file"
    raise ProfileError(problem, source=code_or_path)
