"""Property tests: the real KZ-BY profile broken in generated ways always fails with a
ProfileError whose path points at the broken place (for a deletion: at its parent mapping)."""

import copy
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrex.agreements.profile import (
    load_profile,
    parse_profile,
    profile_from_data,
    shipped_profile_paths,
)
from migrex.agreements.schema_errors import ProfileError
from migrex.agreements.schema_rules import PERSON_FIELDS

KZ_BY_PATH = shipped_profile_paths()["kz-by-2019"]
DATA = yaml.safe_load(KZ_BY_PATH.read_text(encoding="utf-8"))
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Path = tuple[str | int, ...]

# Keys that may be left out: deleting one of them must either fail or leave a valid profile.
OPTIONAL_KEYS = {
    "note", "source", "article", "text", "published", "reference", "publisher", "act",
    "authentic_texts", "prevailing_text", "channel", "when_available", "until",
}  # fmt: skip


def nodes(obj: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    found = [(path, obj)]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += nodes(value, (*path, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            found += nodes(value, (*path, i))
    return found


def at(obj: Any, path: Path) -> Any:
    for part in path:
        obj = obj[part]
    return obj


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def points_at(error_path: str, place: Path) -> bool:
    target = dotted(place)
    return error_path == target or error_path.startswith(target + ".")


def dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)


def failure(data: Any) -> ProfileError:
    """Dump the mutated data to YAML and parse it as a file; the parse must fail."""
    text = dump(data)
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "mutated.yaml")
    err = info.value
    assert err.source == "mutated.yaml"
    assert all(e.line is not None and e.line >= 1 for e in err.errors), str(err)
    return err


MAPPINGS = [path for path, node in nodes(DATA) if isinstance(node, dict)]
KEYS = [(path, key) for path in MAPPINGS for key in at(DATA, path)]
CODED = [
    (path, i)
    for path, node in nodes(DATA)
    if isinstance(node, list)
    for i, item in enumerate(node)
    if isinstance(item, dict) and ("code" in item or "field" in item)
]
DATED_EVENTS = [i for i, e in enumerate(DATA["events"]) if isinstance(e["date"], date)]
FIELDS_PATH = ("rules", "personal_data", "fields")

new_keys = st.from_regex(r"zz_[a-z0-9_]{0,10}", fullmatch=True)
values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


def test_the_base_data_is_the_shipped_profile():
    assert profile_from_data(DATA).digest == load_profile(KZ_BY_PATH).digest
    assert len(DATED_EVENTS) >= 3 and len(CODED) > 20


@PROPERTY
@given(st.sampled_from(MAPPINGS), new_keys, values)
def test_an_unknown_key_anywhere_is_named(place, key, value):
    data = copy.deepcopy(DATA)
    at(data, place)[key] = value
    assert failure(data).path == dotted((*place, key))


@PROPERTY
@given(st.sampled_from(KEYS))
def test_a_deleted_required_key_is_reported_at_its_mapping(place_key):
    place, key = place_key
    data = copy.deepcopy(DATA)
    del at(data, place)[key]
    try:
        parse_profile(dump(data), "mutated.yaml")
    except ProfileError as err:
        assert err.path in (dotted(place), dotted((*place, key))), str(err)
    else:
        assert key in OPTIONAL_KEYS, f"{dotted((*place, key))} was deleted and not missed"


@PROPERTY
@given(st.sampled_from(CODED), st.data())
def test_a_duplicated_code_is_reported_at_the_later_copy(place_index, data):
    place, i = place_index
    mutated = copy.deepcopy(DATA)
    items = at(mutated, place)
    j = data.draw(st.integers(0, len(items)), label="insert at")
    items.insert(j, copy.deepcopy(items[i]))
    later = max(j, i + 1 if j <= i else i)
    err = failure(mutated)
    if place == ("parties",):  # a third party breaks the count before any code is compared
        assert err.path == "parties"
    else:
        assert points_at(err.path, (*place, later)), str(err)
        assert "duplicate" in err.problem


@PROPERTY
@given(st.lists(st.sampled_from(DATED_EVENTS), min_size=2, max_size=2, unique=True))
def test_swapped_dated_events_are_reported_at_one_of_them(pair):
    i, j = sorted(pair)
    data = copy.deepcopy(DATA)
    events = data["events"]
    events[i], events[j] = events[j], events[i]
    err = failure(data)
    assert points_at(err.path, ("events", i)) or points_at(err.path, ("events", j)), str(err)


@PROPERTY
@given(st.data())
def test_an_authority_of_a_non_party_is_reported_at_its_party(data):
    mutated = copy.deepcopy(DATA)
    i = data.draw(st.integers(0, len(mutated["authorities"]) - 1), label="authority")
    code = data.draw(
        st.one_of(st.from_regex(r"[A-Z]{2}", fullmatch=True), texts).filter(
            lambda c: c not in ("KZ", "BY")
        ),
        label="party",
    )
    mutated["authorities"][i]["party"] = code
    err = failure(mutated)
    assert err.path == f"authorities.{i}.party", str(err)


@PROPERTY
@given(st.data())
def test_a_foreign_art_6_field_is_reported_where_it_was_put(data):
    mutated = copy.deepcopy(DATA)
    fields = at(mutated, FIELDS_PATH)
    j = data.draw(st.integers(0, len(fields)), label="insert at")
    name = data.draw(texts.filter(lambda s: s not in PERSON_FIELDS), label="field")
    as_item = data.draw(st.booleans(), label="as an item")
    fields.insert(j, {"field": name, "article": "6.1"} if as_item else name)
    err = failure(mutated)
    assert points_at(err.path, (*FIELDS_PATH, j)), str(err)
