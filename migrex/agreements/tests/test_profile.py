"""Loading the shipped agreement profiles, and precise errors for broken ones."""

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from migrex.agreements.profile import (
    Profile,
    load_profile,
    parse_profile,
    profile_from_data,
    resolve,
    shipped_profile_paths,
)
from migrex.agreements.schema_base import Unknown
from migrex.agreements.schema_errors import ProfileError, RuleUnknownError
from migrex.agreements.schema_rules import PERSON_FIELDS

KZ_BY_PATH = shipped_profile_paths()["kz-by-2019"]
TEXT = KZ_BY_PATH.read_text(encoding="utf-8")
SOURCE = "kz-by-2019.yaml"


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line of the `nth` occurrence of `needle` in `text`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def broken(old: str, new: str) -> tuple[ProfileError, str]:
    """Parse kz-by-2019 with the first `old` replaced by `new`; return the error and the text."""
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    with pytest.raises(ProfileError) as info:
        parse_profile(text, SOURCE)
    return info.value, text


@pytest.fixture(scope="module")
def kz_by() -> Profile:
    return load_profile(KZ_BY_PATH)


@pytest.fixture(scope="module")
def kz_am() -> Profile:
    return load_profile(shipped_profile_paths()["kz-am-2024"])


# --- the shipped profiles ------------------------------------------------------------------------


def test_both_agreements_are_shipped_under_their_codes():
    paths = shipped_profile_paths()
    assert set(paths) == {"kz-by-2019", "kz-am-2024"}
    for code, path in paths.items():
        assert load_profile(path).code == code


def test_kz_by_authorities_are_those_of_art_2(kz_by):
    assert kz_by.party_codes == ("KZ", "BY")
    assert kz_by.party("BY").timezone == "Europe/Minsk"
    assert [a.code for a in kz_by.authorities_of("KZ")] == ["kz-mvd", "kz-labour"]
    assert [a.kind for a in kz_by.authorities_of("BY")] == ["interior-ministry", "border-committee"]
    border = kz_by.authority("by-border")
    assert border.name.ru == "Государственный пограничный комитет Республики Беларусь"
    assert border.name_on(date(2019, 10, 25)) == border.name
    with pytest.raises(KeyError, match="no competent authority 'xx'"):
        kz_by.authority("xx")


def test_kz_by_rules_cite_their_articles(kz_by):
    assert kz_by.field_codes == frozenset(PERSON_FIELDS)  # Art. 6 lists every field migrex knows
    assert kz_by.category_codes == {
        "temporary_stay", "residence_permit", "citizenship", "entry_ban_exit_restriction",
        "expelled",
    }  # fmt: skip
    assert kz_by.refusal_ground_codes == {
        "sovereignty", "security", "public_order", "other_essential_interests",
        "contrary_to_law", "contrary_to_international_obligations",
    }  # fmt: skip
    request = kz_by.rule("rules.deadlines.request_execution")
    assert (request.days, request.calendar, request.article) == (30, True, "10.3")
    assert request.pauses == ()  # Art. 10.3 has no pause of the 30 days
    assert kz_by.rule("rules.deadlines.signatory_lists").days == 45
    assert kz_by.rule("rules.deadlines.termination").months == 6
    assert kz_by.rule("rules.personal_data.consent").of_subject_required is False
    assert kz_by.language.code == "ru"
    assert kz_by.language.article == "14"
    assert isinstance(kz_by.rule("rules.retention.periods")["KZ"], Unknown)  # national law


def test_kz_by_events_invent_no_notification_dates(kz_by):
    kinds = [e.kind for e in kz_by.events]
    assert kinds == [
        "signature", "internal-procedure", "notification", "notification", "entry-into-force"
    ]  # fmt: skip
    assert kz_by.events[0].place.ru == "Нур-Султан"
    assert [e.date for e in kz_by.events if e.kind == "notification"] == ["unknown", "unknown"]
    assert kz_by.events[-1].source == "Бюллетень международных договоров РК 2020 г., № 6, ст. 29"


def test_kz_am_states_only_what_the_news_states(kz_am):
    assert kz_am.source.kind == "news-report"
    assert kz_am.party_codes == ("KZ", "AM")
    assert kz_am.party("AM").timezone == "Asia/Yerevan"
    assert [a.kind for a in kz_am.authorities_of("AM")] == ["police", "migration-service"]
    assert [(e.kind, e.date) for e in kz_am.events] == [
        ("signature", date(2024, 4, 15)),
        ("internal-procedure", date(2025, 9, 3)),
        ("internal-procedure", date(2025, 9, 5)),
    ]
    assert isinstance(kz_am.events[0].place, Unknown)
    assert kz_am.field_codes == frozenset()  # no Art. 6 list: nothing may be passed
    assert kz_am.category_codes == frozenset()
    assert kz_am.refusal_ground_codes == {"sovereignty", "security", "contrary_to_law"}
    assert kz_am.rules.refusal.complete is False
    assert isinstance(kz_am.language, Unknown)
    with pytest.raises(RuleUnknownError, match=r"rules\.deadlines is not known"):
        kz_am.rule("rules.deadlines.request_execution")


def test_resolve_takes_a_code_or_a_path(tmp_path):
    assert resolve("kz-by-2019") == KZ_BY_PATH
    copy = tmp_path / "mine.yaml"
    copy.write_text(TEXT, encoding="utf-8")
    assert resolve(str(copy)) == copy
    with pytest.raises(ProfileError) as info:
        resolve("kz-xx-2030")
    assert str(info.value) == (
        "kz-xx-2030: no shipped profile with this code (shipped: kz-am-2024, kz-by-2019) "
        "and no such file"
    )


def test_unreadable_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match=r"^missing\.yaml: cannot read the profile"):
        load_profile(tmp_path / "missing.yaml")


# --- digest --------------------------------------------------------------------------------------


def test_digest_is_sha256_of_the_canonical_json(kz_by):
    canonical = json.dumps(
        kz_by.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert kz_by.digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert load_profile(KZ_BY_PATH).digest == kz_by.digest


def test_digest_ignores_layout_and_comments_but_not_content(kz_by):
    data = yaml.safe_load(TEXT)
    relaid = "# another layout\n" + yaml.safe_dump(
        dict(reversed(data.items())), allow_unicode=True, default_flow_style=True, width=10_000
    )
    assert parse_profile(relaid, "relaid.yaml").digest == kz_by.digest
    assert parse_profile(TEXT.replace("version: 1", "version: 2"), SOURCE).digest != kz_by.digest


def test_dump_uses_the_yaml_key_names(kz_by):
    dumped = kz_by.model_dump(mode="json")
    assert dumped["authorities"][0]["names"][0]["from"] is None
    assert dumped["rules"]["deadlines"]["request_execution"]["from"] == "receipt"
    assert profile_from_data(kz_by.model_dump()).digest == kz_by.digest


# --- broken profiles: file, path, line and a precise problem ------------------------------------


def test_unknown_top_level_key():
    err, text = broken("version: 1\n", "version: 1\nsignatories: []\n")
    line = line_of(text, "signatories: []")
    assert str(err) == (
        f"{SOURCE}:{line}: signatories: unknown key 'signatories' (allowed here: code, version, "
        "title, source, articles, language, parties, authorities, events, rules)"
    )


def test_unknown_nested_key():
    err, text = broken(
        "    timezone: Europe/Minsk\n", "    timezone: Europe/Minsk\n    capital: x\n"
    )
    assert str(err) == (
        f"{SOURCE}:{line_of(text, 'capital: x')}: parties.1.capital: "
        "unknown key 'capital' (allowed here: code, name, timezone)"
    )


def test_missing_required_key_points_at_its_mapping():
    err, text = broken("    date: 2020-12-03\n", "")
    assert (err.path, err.problem) == ("events.4", "missing required key 'date'")
    assert err.line == line_of(text, "  - kind: entry-into-force")


def test_events_out_of_order():
    err, text = broken("date: 2020-11-13", "date: 2021-11-13")
    assert str(err) == (
        f"{SOURCE}:{line_of(text, '- kind: internal-procedure')}: events.1: dated 2021-11-13, "
        "later than the next dated event events.4 (2020-12-03); list events in chronological order"
    )


def test_nothing_precedes_the_signature():
    err, _ = broken("date: 2020-11-13", "date: 2019-10-01")
    assert (err.path, err.problem) == (
        "events.1.date",
        "2019-10-01 is before the signature (2019-10-25)",
    )


def test_authority_of_an_unknown_party():
    err, text = broken("  - code: by-border\n    party: BY", "  - code: by-border\n    party: XX")
    line = line_of(text, "party: XX")
    expected = f"{SOURCE}:{line}: authorities.3.party: unknown party 'XX' (parties are KZ, BY)"
    assert str(err) == expected


def test_duplicate_code():
    err, text = broken("code: by-border", "code: by-mvd")
    assert str(err) == (
        f"{SOURCE}:{line_of(text, 'code: by-mvd', 1)}: authorities.3.code: "
        "duplicate code 'by-mvd' (first at authorities.2)"
    )


def test_unknown_art_6_field_names_the_known_ones():
    err, text = broken("{field: photo,", "{field: passport_photo,")
    assert err.path == "rules.personal_data.fields.14.field"
    assert err.line == line_of(text, "passport_photo")
    assert err.problem.startswith("unknown personal-data field 'passport_photo' (known: surname,")
    assert all(code in err.problem for code in PERSON_FIELDS)


def test_duplicate_art_6_field():
    err, _ = broken("{field: photo,", "{field: sex,")
    assert (err.path, err.problem) == (
        "rules.personal_data.fields.14.field",
        "duplicate field 'sex' (first at rules.personal_data.fields.3)",
    )


def test_name_fields_need_their_scripts_art_6():
    err, _ = broken(", scripts: [cyrillic, latin]}", "}")
    assert (err.path, err.problem) == (
        "rules.personal_data.fields.0",
        "field 'surname' needs 'scripts' (e.g. [cyrillic, latin])",
    )


def test_bad_timezone():
    err, text = broken("timezone: Europe/Minsk", "timezone: Europe/Mensk")
    assert str(err) == (
        f"{SOURCE}:{line_of(text, 'Europe/Mensk')}: parties.1.timezone: "
        "unknown IANA time zone 'Europe/Mensk' (e.g. Asia/Almaty, Europe/Minsk)"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"18"', "article 18 does not exist: the agreement has 17 articles"),
        ('"12a"', "expected an article such as '5', '10.3' or 'unknown', got '12a'"),
        ("12.1", "write article references in quotes ('12.1'): YAML reads 12.1 as a number"),
    ],
)
def test_bad_article_reference(value, problem):
    err, text = broken('article: "12"', f"article: {value}")
    assert (
        str(err) == f"{SOURCE}:{line_of(text, f'article: {value}')}: rules.costs.article: {problem}"
    )


def test_yaml_syntax_error_has_its_line():
    err, text = broken("  - code: BY\n", "  - code: BY\n    name: [unclosed\n")
    assert err.line == line_of(text, "name: [unclosed") + 1
    assert str(err).startswith(f"{SOURCE}:{err.line}: YAML syntax error: ")


def test_duplicate_yaml_key_is_not_silently_overwritten():
    err, text = broken("version: 1\n", "version: 1\nversion: 2\n")
    assert str(err) == (
        f"{SOURCE}:{line_of(text, 'version: 2')}: version: duplicate key 'version' "
        f"(first at line {line_of(text, 'version: 1')})"
    )


def test_an_unknown_section_is_accepted_and_refused_on_use():
    text = TEXT.replace(
        'costs:\n    article: "12"\n', 'costs:\n    unknown: "not stated"\n    dropped: x\n', 1
    )
    with pytest.raises(ProfileError, match="a section marked unknown has only 'unknown'"):
        parse_profile(text, SOURCE)
    text = text.replace("    dropped: x\n    text:\n", "    dropped_text:\n", 1)
    start = text.index("    dropped_text:")
    end = text.index("  other_treaties:")
    profile = parse_profile(text[:start] + text[end:], SOURCE)
    assert isinstance(profile.rules.costs, Unknown)
    with pytest.raises(
        RuleUnknownError, match=r"kz-by-2019: rules.costs is not known \(not stated"
    ):
        profile.rule("rules.costs.article")


def test_yes_no_on_stay_text_yaml_1_2_booleans():
    profile = parse_profile(TEXT.replace("BY", "NO"), SOURCE)  # Norway, not false
    assert profile.party_codes == ("KZ", "NO")


PRECISE = [
    ("date: 2019-10-25", "date: unknown", "events.0.date", "this date must be known"),
    ("date: 2019-10-25", "date: 2019-13-25", "events.0.date", "expected a date YYYY-MM-DD"),
    ("kind: entry-into-force", "kind: in-force", "events.4.kind", "unknown event kind 'in-force'"),
    (
        "    party: BY\n    date: unknown",
        "    party: KZ\n    date: unknown",
        "events.3.party",
        "a second notification from KZ",
    ),
    (
        '    date: unknown\n    article: "17"\n    note:',
        '    date: unknown\n    article: "17"\n    notes:',
        "events.2.notes",
        "unknown key 'notes'",
    ),
    ("version: 1", "version: 0", "version", "expected a number ≥ 1, got 0"),
    (
        "calendar: true",
        "calendar: false",
        "rules.deadlines.request_execution.calendar",
        "only calendar-day deadlines",
    ),
    (
        "parts: [series, number, issue_date, issuer]",
        "parts: [series, colour]",
        "rules.personal_data.fields.7.parts",
        "unknown part 'colour'",
    ),
    ("      BY: {unknown:", "      AM: {unknown:", "rules.retention.periods.AM", "unknown party"),
    ("kind: border-committee", "kind: army", "authorities.3.kind", "expected 'interior-ministry'"),
]


@pytest.mark.parametrize(("old", "new", "path", "problem"), PRECISE)
def test_precise_problems(old, new, path, problem):
    err, _ = broken(old, new)
    assert err.path == path
    assert problem in err.problem
    assert err.line is not None


def test_several_problems_are_listed_in_file_order():
    text = TEXT.replace("Europe/Minsk", "Europe/Mensk").replace("version: 1", "version: x")
    with pytest.raises(ProfileError) as info:
        parse_profile(text, SOURCE)
    err = info.value
    assert [e.path for e in err.errors] == ["version", "parties.1.timezone"]
    assert (err.path, err.line) == ("version", line_of(text, "version: x"))
    assert str(err).splitlines() == [str(e) for e in err.errors]


def test_an_unknown_date_needs_a_note():
    data = yaml.safe_load(TEXT)
    del data["events"][2]["note"]
    with pytest.raises(ProfileError) as info:
        profile_from_data(data, "data")
    assert str(info.value) == (
        "data: events.2: missing required key 'note': an unknown date must say why"
    )


def test_validating_the_model_directly_raises_profile_errors_too():
    data = yaml.safe_load(TEXT)
    data["authorities"][0]["party"] = "XX"
    with pytest.raises(ProfileError, match=r"authorities\.0\.party: unknown party 'XX'"):
        Profile.model_validate(data)


def test_empty_file_and_non_mapping(tmp_path: Path):
    with pytest.raises(ProfileError, match=r"^x\.yaml:1: the file is empty"):
        parse_profile("", "x.yaml")
    with pytest.raises(ProfileError, match=r"^x\.yaml:1: expected a mapping, got a list"):
        parse_profile("- a\n", "x.yaml")


def renamed_border_committee(second_from: date) -> dict:
    data = yaml.safe_load(TEXT)
    data["authorities"][3]["names"] = [
        {"ru": "Старое название", "en": "Old name", "from": None, "until": date(2021, 12, 31)},
        {"ru": "Новое название", "en": "New name", "from": second_from},
    ]
    return data


def test_authority_names_have_a_history_art_2():
    profile = profile_from_data(renamed_border_committee(date(2022, 1, 1)))
    border = profile.authority("by-border")
    assert border.name_on(date(2020, 1, 1)).en == "Old name"
    assert border.name_on(date(2021, 12, 31)).en == "Old name"
    assert border.name_on(date(2022, 1, 1)).en == "New name"
    assert border.name.en == "New name"


def test_authority_names_must_not_overlap():
    with pytest.raises(ProfileError) as info:
        profile_from_data(renamed_border_committee(date(2021, 12, 31)), "data")
    assert str(info.value) == (
        "data: authorities.3.names.1.from: 2021-12-31 overlaps the previous name (2021-12-31); "
        "list names oldest first"
    )


def test_every_party_has_a_competent_authority_art_2():
    data = yaml.safe_load(TEXT)
    data["authorities"] = [a for a in data["authorities"] if a["party"] == "KZ"]
    with pytest.raises(ProfileError, match=r"parties\.1: party BY has no competent authority"):
        profile_from_data(data)


def test_a_loaded_profile_cannot_be_changed(kz_by):
    with pytest.raises(ValidationError, match="frozen"):
        kz_by.version = 2
    with pytest.raises(AttributeError):
        kz_by.events.append(kz_by.events[0])
