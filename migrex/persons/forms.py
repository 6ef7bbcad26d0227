"""One person of a request or an answer: the Art. 5 category and the Art. 6 fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.agreements.profile import Profile, rule_or_empty
from migrex.core.forms import ArticleMixin, article_label, bi, new_key, row_keys, text_area
from migrex.persons.schema import NAME_MAX


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


NAME_PARTS = ("surname", "given_name", "patronymic")
DOCUMENT_PARTS = ("series", "number", "issue_date", "issuer")
LIST_FIELDS = ("administrative_liability", "criminal_liability")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=_date_input())
    birth_place = forms.CharField(label=_("Place of birth"), required=False, max_length=300)
    citizenship = forms.CharField(
        label=_("Citizenship"),
        required=False,
        help_text=_("ISO 3166-1 codes, e.g. KZ, BY"),
        widget=forms.TextInput(attrs={"placeholder": "KZ", "autocapitalize": "characters"}),
    )
    document_series = forms.CharField(label=_("Document series"), required=False, max_length=20)
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=40)
    document_issue_date = forms.DateField(
        label=_("Date of issue"), required=False, widget=_date_input()
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
            if code != "category" and code not in allowed:
                del self.fields[name]  # Art. 6: only the fields this agreement lets pass
            elif code != "category":
                self.set_article(name, "6")

    @staticmethod
    def _code(name: str) -> str:
        if name.startswith("document_"):
            return "identity_document"
        for part in NAME_PARTS:
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
        if code in NAME_PARTS:
            script = tail[0] if tail and tail[0] in ("cyrillic", "latin") else "cyrillic"
            name = f"{code}_{script}"
        elif code == "identity_document":
            part = tail[1] if len(tail) > 1 and tail[1] in DOCUMENT_PARTS else "number"
            name = f"document_{part}"
        else:
            name = code
        return name if name in self.fields else None

    @property
    def rows(self) -> list[list]:
        rows = [[self[n] for n in row if n in self.fields] for row in self.LAYOUT]
        return [row for row in rows if row]

    @property
    def extra_fields(self) -> list:
        return [self[n] for n in ("residence_address", *LIST_FIELDS) if n in self.fields]

    def clean_citizenship(self) -> list[str]:
        codes = [c.upper() for c in re.split(r"[\s,;]+", self.cleaned_data["citizenship"]) if c]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise forms.ValidationError(
                _("%(codes)s: not an ISO 3166-1 two-letter code"),
                params={"codes": ", ".join(bad)},
            )
        return codes

    def clean(self):
        data = super().clean()
        document = [data.get(f"document_{p}") for p in DOCUMENT_PARTS]
        if any(document) and not data.get("document_number") and "document_number" in self.fields:
            self.add_error("document_number", _("Give the number of the document."))
        has_surname = data.get("surname_cyrillic") or data.get("surname_latin")
        if not has_surname and not data.get("document_number") and not self.errors:
            raise forms.ValidationError(
                _("Give the surname or a document number to identify the person.")
            )
        return data

    def record(self) -> dict:
        """The person as the services take it: {"category", "data"} with only filled fields."""
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
        return {"category": d["category"], "data": data}

    @staticmethod
    def initial_from(category: str, data: dict) -> dict:
        """Form values for a stored person (editing a draft, prefilling an answer)."""
        initial: dict[str, Any] = {"category": category}
        for part in NAME_PARTS:
            for script in ("cyrillic", "latin"):
                initial[f"{part}_{script}"] = (data.get(part) or {}).get(script, "")
        for name in ("sex", "birth_date", "birth_place", "residence_address"):
            initial[name] = data.get(name, "")
        initial["citizenship"] = ", ".join(data.get("citizenship", []))
        for name in LIST_FIELDS:
            initial[name] = "\n".join(data.get(name, []))
        documents = data.get("identity_document") or [{}]
        for part in DOCUMENT_PARTS:
            initial[f"document_{part}"] = documents[0].get(part, "")
        return initial


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
