"""One person of a request or an answer: the Art. 5 category and the Art. 6 fields.

The form only parses what the officer typed (dates, countries, the kind of a permit); the Art. 5
and Art. 6 rules are the schema's and the services' (persons/schema.py, persons/rules.py), the
same for the UI, the API and the messages the other party sends.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.agreements.profile import Profile, rule_or_empty
from migrex.core.countries import CountriesField
from migrex.core.forms import (
    ArticleMixin,
    article_label,
    bi,
    date_input,
    new_key,
    row_keys,
    text_area,
)
from migrex.persons.schema import NAME_MAX


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


NAME_PARTS = ("surname", "given_name", "patronymic")
DOCUMENT_PARTS = ("series", "number", "issue_date", "issuer")
LIST_FIELDS = ("administrative_liability", "criminal_liability")
# Art. 6 entries of which the form edits the first: residence permits and decisions on an entry
# ban or an exit restriction (schema.ResidencePermit, schema.Decision), by their parts.
ENTRIES = {
    "residence_permit": ("kind", "number", "issued_on", "valid_until"),
    "entry_ban": ("decided_on", "authority", "until", "grounds"),
    "exit_restriction": ("decided_on", "authority", "until", "grounds"),
}
DATE_PARTS = frozenset({"issue_date", "issued_on", "valid_until", "decided_on", "until"})
# What the form does not edit and keeps as it is: the further entries of a list (a second
# document or permit, from the API) and the attachments' digests (photographs, fingerprints).
KEPT = ("identity_document", *ENTRIES, "photo", "fingerprint_card")


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=date_input())


def _text(label, max_length: int, rows: int = 0) -> forms.CharField:
    widget = text_area(rows) if rows else None
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class PersonForm(ArticleMixin, forms.Form):
    """One person: the Art. 5 category and the Art. 6 fields the agreement allows."""

    form_article = "6"
    LAYOUT = (
        ("category",),
        ("surname_cyrillic", "given_name_cyrillic", "patronymic_cyrillic"),
        ("surname_latin", "given_name_latin", "patronymic_latin"),
        ("sex", "birth_date", "birth_place", "citizenship"),
        ("document_series", "document_number", "document_issue_date", "document_issuer"),
    )

    category = forms.ChoiceField(label=_("Category of person"))
    surname_cyrillic = forms.CharField(
        label=_("Surname (Cyrillic)"), required=False, max_length=NAME_MAX
    )
    surname_latin = forms.CharField(label=_("Surname (Latin)"), required=False, max_length=NAME_MAX)
    given_name_cyrillic = forms.CharField(
        label=_("Given name (Cyrillic)"), required=False, max_length=NAME_MAX
    )
    given_name_latin = forms.CharField(
        label=_("Given name (Latin)"), required=False, max_length=NAME_MAX
    )
    patronymic_cyrillic = forms.CharField(
        label=_("Patronymic (Cyrillic)"), required=False, max_length=NAME_MAX
    )
    patronymic_latin = forms.CharField(
        label=_("Patronymic (Latin)"), required=False, max_length=NAME_MAX
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), ("M", _("male")), ("F", _("female"))],
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=date_input())
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=300)
    citizenship = CountriesField(label=_("Citizenship"), required=False)
    document_series = forms.CharField(label=_("Document series"), required=False, max_length=20)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=40)
    document_issue_date = forms.DateField(
        label=_("Date of issue"), required=False, widget=date_input()
    )
    document_issuer = forms.CharField(label=_("Issued by"), required=False, max_length=300)
    residence_address = forms.CharField(
        label=_("Place of residence"), required=False, max_length=500
    )
    administrative_liability = forms.CharField(
        label=_("Administrative liability"),
        required=False,
        widget=text_area(2),
        help_text=_("One entry a line"),
    )
    criminal_liability = forms.CharField(
        label=_("Criminal liability"),
        required=False,
        widget=text_area(2),
        help_text=_("One entry a line"),
    )
    residence_permit_kind = forms.ChoiceField(
        label=_("Kind of residence permit"),
        required=False,
        choices=[("", "—"), ("temporary", _("temporary")), ("permanent", _("permanent"))],
    )
    residence_permit_number = _text(_("Number of the permit"), 40)
    residence_permit_issued_on = _date(_("Permit issued on"))
    residence_permit_valid_until = _date(_("Permit valid until"))
    entry_ban_decided_on = _date(_("Entry ban decided on"))
    entry_ban_authority = _text(_("Authority that banned entry"), 300)
    entry_ban_until = _date(_("Entry ban until"))
    entry_ban_grounds = _text(_("Grounds of the entry ban"), 2000, rows=2)
    exit_restriction_decided_on = _date(_("Exit restriction decided on"))
    exit_restriction_authority = _text(_("Authority that restricted exit"), 300)
    exit_restriction_until = _date(_("Exit restriction until"))
    exit_restriction_grounds = _text(_("Grounds of the exit restriction"), 2000, rows=2)
    # The entries the form does not edit, as JSON, so that saving the draft keeps them.
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, profile: Profile | None, key: str, base: str = "persons", **kw):
        super().__init__(*args, prefix=f"{base}-{key}", **kw)
        self.key = key
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{article_label(c.article)} — {bi(c.name)}")
            for c in rule_or_empty(profile, "rules.person_categories")
        ]
        self.set_article("category", "5")
        allowed = profile.field_codes if profile else frozenset()
        for name in list(self.fields):
            code = self._code(name)
            if code in ("category", "kept"):
                continue
            if code not in allowed:
                del self.fields[name]  # Art. 6: only the fields this agreement lets pass
            else:
                self.set_article(name, "6")

    @staticmethod
    def _code(name: str) -> str:
        if name.startswith("document_"):
            return "identity_document"
        for part in (*NAME_PARTS, *ENTRIES):
            if name.startswith(part + "_"):
                return part
        return name

    def field_for(self, path: str) -> str | None:
        """The form field a service error's path within this person means (`category`,
        `data.surname.latin`, `data.identity_document.0.number` …), or None for the row."""
        if path == "category":
            return "category"
        parts = path.split(".")
        if parts[:1] != ["data"] or len(parts) < 2:
            return None
        code, tail = parts[1], parts[2:]
        first = tail[:1] == ["0"]  # the entry the form edits; the kept ones are the row's
        if code in NAME_PARTS:
            script = tail[0] if tail and tail[0] in ("cyrillic", "latin") else "cyrillic"
            name = f"{code}_{script}"
        elif code == "identity_document":
            part = tail[1] if len(tail) > 1 and tail[1] in DOCUMENT_PARTS else "number"
            name = f"document_{part}" if first else ""
        elif code in ENTRIES:
            part = tail[1] if len(tail) > 1 and tail[1] in ENTRIES[code] else ENTRIES[code][0]
            name = f"{code}_{part}" if first else ""
        else:
            name = code
        return name if name in self.fields else None

    @property
    def rows(self) -> list[list]:
        rows = [[self[n] for n in row if n in self.fields] for row in self.LAYOUT]
        return [row for row in rows if row]

    @property
    def groups(self) -> list[tuple[str, list]]:
        """The Art. 6 data beyond identity, by heading: residence and liability, the residence
        permit, the entry ban, the exit restriction (only what the agreement allows)."""
        titles = {
            "residence": _("Residence and liability"),
            "residence_permit": _("Residence permit"),
            "entry_ban": _("Entry ban"),
            "exit_restriction": _("Exit restriction"),
        }
        names = {
            "residence": ("residence_address", *LIST_FIELDS),
            **{code: tuple(f"{code}_{part}" for part in parts) for code, parts in ENTRIES.items()},
        }
        groups = []
        for key, title in titles.items():
            fields = [self[n] for n in names[key] if n in self.fields]
            if fields:
                groups.append((title, fields))
        return groups

    @property
    def has_more(self) -> bool:
        """Any of the further Art. 6 data filled or in error: its section opens."""
        return any(f.value() or f.errors for _title, fields in self.groups for f in fields)

    @property
    def kept_count(self) -> int:
        return sum(len(v) for v in self._kept().values())

    def _kept(self) -> dict[str, list]:
        raw = self.data.get(self.add_prefix("kept")) if self.is_bound else self.initial.get("kept")
        try:
            kept = json.loads(raw or "{}")
        except ValueError:
            return {}
        if not isinstance(kept, dict):
            return {}
        return {k: v for k, v in kept.items() if k in KEPT and isinstance(v, list) and v}

    def clean_kept(self) -> dict[str, list]:
        return self._kept()

    def clean(self):
        data = super().clean()
        document = [data.get(f"document_{p}") for p in DOCUMENT_PARTS]
        if any(document) and not data.get("document_number") and "document_number" in self.fields:
            self.add_error("document_number", _("Give the number of the document."))
        has_surname = data.get("surname_cyrillic") or data.get("surname_latin")
        has_document = data.get("document_number") or (data.get("kept") or {}).get(
            "identity_document"
        )
        if not has_surname and not has_document and not self.errors:
            raise forms.ValidationError(
                _("Give the surname or a document number to identify the person.")
            )
        return data

    def _entry(self, code: str) -> dict:
        """The first entry of `code` as typed: only the parts given, dates in ISO."""
        d = self.cleaned_data
        entry: dict[str, Any] = {}
        for part in ENTRIES[code]:
            value = d.get(f"{code}_{part}")
            if isinstance(value, dt.date):
                entry[part] = value.isoformat()
            elif value and str(value).strip():
                entry[part] = str(value).strip()
        return entry

    def record(self) -> dict:
        """The person as the services take it: {"category", "data"} with only filled fields.
        The services check it against Art. 5 and 6 (persons/rules.py), as they do the API's."""
        d = self.cleaned_data
        data: dict[str, Any] = {}
        for part in NAME_PARTS:
            spelling = {
                script: d[f"{part}_{script}"].strip()
                for script in ("cyrillic", "latin")
                if d.get(f"{part}_{script}", "").strip()
            }
            if spelling:
                data[part] = spelling
        for name in ("sex", "birth_place", "residence_address"):
            if d.get(name):
                data[name] = d[name].strip()
        if d.get("birth_date"):
            data["birth_date"] = d["birth_date"].isoformat()
        if d.get("citizenship"):
            data["citizenship"] = d["citizenship"]
        for name in LIST_FIELDS:
            if _lines(d.get(name, "")):
                data[name] = _lines(d[name])
        if d.get("document_number"):
            document = {"number": d["document_number"].strip()}
            for part in ("series", "issuer"):
                if d.get(f"document_{part}"):
                    document[part] = d[f"document_{part}"].strip()
            if d.get("document_issue_date"):
                document["issue_date"] = d["document_issue_date"].isoformat()
            data["identity_document"] = [document]
        for code in ENTRIES:
            entry = self._entry(code)
            if entry:
                data[code] = [entry]
        for code, entries in (d.get("kept") or {}).items():
            data[code] = data.get(code, []) + entries
        return {"category": d["category"], "data": data}

    @staticmethod
    def initial_from(category: str, data: dict) -> dict:
        """Form values for a stored person (editing a draft, prefilling an answer); the first
        document, permit and decision of each kind in fields, the rest kept as they are."""
        initial: dict[str, Any] = {"category": category}
        for part in NAME_PARTS:
            for script in ("cyrillic", "latin"):
                initial[f"{part}_{script}"] = (data.get(part) or {}).get(script, "")
        for name in ("sex", "birth_place", "residence_address"):
            initial[name] = data.get(name, "")
        initial["birth_date"] = _date_of(data.get("birth_date"))
        initial["citizenship"] = list(data.get("citizenship", []))
        for name in LIST_FIELDS:
            initial[name] = "\n".join(data.get(name, []))
        documents = data.get("identity_document") or [{}]
        for part in DOCUMENT_PARTS:
            value = documents[0].get(part, "")
            initial[f"document_{part}"] = _date_of(value) if part in DATE_PARTS else value
        kept = {"identity_document": documents[1:]}
        for code, parts in ENTRIES.items():
            entries = data.get(code) or [{}]
            for part in parts:
                value = entries[0].get(part, "")
                initial[f"{code}_{part}"] = _date_of(value) if part in DATE_PARTS else value
            kept[code] = entries[1:]
        for code in ("photo", "fingerprint_card"):
            kept[code] = list(data.get(code, []))
        kept = {k: v for k, v in kept.items() if v}
        initial["kept"] = json.dumps(kept, ensure_ascii=False) if kept else ""
        return initial


def _date_of(value) -> dt.date | str:
    """A stored ISO date as a date, so that the form shows it as the officer writes dates."""
    try:
        return dt.date.fromisoformat(str(value)) if value else ""
    except ValueError:
        return str(value)


def person_forms(data, profile: Profile | None, base: str = "persons") -> list[PersonForm]:
    """The person rows the page sent; a row left entirely blank is not a person."""
    forms_ = []
    for key in row_keys(data, base):
        prefix = f"{base}-{key}-"
        if any(str(v).strip() for k in data if k.startswith(prefix) for v in data.getlist(k)):
            forms_.append(PersonForm(data, profile=profile, key=key, base=base))
    return forms_


def stored_person_forms(persons, profile: Profile | None, base: str = "persons") -> list:
    return [
        PersonForm(
            initial=PersonForm.initial_from(p.category, p.data),
            profile=profile,
            key=new_key(),
            base=base,
        )
        for p in persons
    ]
