"""The forms of the channel pages; they only parse, the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, gettext_lazy

from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Case
from migrex.cases.workflow import Side
from migrex.channels.models import CATEGORIES, ROLES
from migrex.core.countries import CountriesField
from migrex.core.errors import Invalid
from migrex.core.forms import article_label

_DATE = {"widget": forms.DateInput(attrs={"type": "date"}), "required": False}


def show_errors(form: forms.Form, exc: Invalid) -> None:
    """Put each service error on its field (or on the form), in the user's language."""
    for e in exc.errors:
        text = e.message_ru if get_language() == "ru" else e.message_en
        message = f"{text} ({article_label(e.article)})" if e.article else text
        field = (e.field or "").split(".")[0]
        form.add_error(field if field in form.fields else None, message)


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the channel"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )
    route = forms.CharField(
        label=gettext_lazy("Route"),
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=gettext_lazy("One place or country a line, in the order of travel."),
    )
    methods = forms.CharField(
        label=gettext_lazy("Methods of obtaining visas and documents"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    active_from = forms.DateField(label=gettext_lazy("Active from"), **_DATE)
    active_to = forms.DateField(label=gettext_lazy("Active until"), **_DATE)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["route"] = [line.strip() for line in data["route"].splitlines() if line.strip()]
        return data


class EntityForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLES)
    name = forms.CharField(label=gettext_lazy("Name of the legal entity"), max_length=300)
    registration_number = forms.CharField(
        label=gettext_lazy("Registration number"), max_length=64, required=False
    )
    country_code = forms.CharField(
        label=gettext_lazy("Country (ISO code)"), max_length=3, required=False
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=500, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=64, required=False)

    @classmethod
    def initial_of(cls, e) -> dict:
        return {
            "role": e.role,
            "name": e.name,
            "registration_number": e.registration_number,
            "country_code": e.country,
            "address": e.address,
            "phone": e.phone,
        }


class IndividualForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLES)
    category = forms.ChoiceField(label=gettext_lazy("Category of persons"), choices=CATEGORIES)
    surname_cyrillic = forms.CharField(label=gettext_lazy("Surname (Cyrillic)"), required=False)
    surname_latin = forms.CharField(label=gettext_lazy("Surname (Latin)"), required=False)
    given_name_cyrillic = forms.CharField(label=gettext_lazy("Name (Cyrillic)"), required=False)
    given_name_latin = forms.CharField(label=gettext_lazy("Name (Latin)"), required=False)
    patronymic_cyrillic = forms.CharField(
        label=gettext_lazy("Patronymic (Cyrillic)"), required=False
    )
    patronymic_latin = forms.CharField(label=gettext_lazy("Patronymic (Latin)"), required=False)
    birth_date = forms.DateField(label=gettext_lazy("Date of birth"), **_DATE)
    citizenship = CountriesField(label=gettext_lazy("Citizenship"), required=False)
    documents = forms.CharField(
        label=gettext_lazy("Document numbers"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=gettext_lazy("One document a line: series and number, or the number alone."),
    )
    residence_address = forms.CharField(
        label=gettext_lazy("Place of residence"), max_length=500, required=False
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Kept on this node: a phone is not among the data of Art. 6."),
    )

    def person_data(self) -> dict:
        d = self.cleaned_data
        data: dict = {}
        for name in ("surname", "given_name", "patronymic"):
            spelling = {
                s: d[f"{name}_{s}"].strip() for s in ("cyrillic", "latin") if d[f"{name}_{s}"]
            }
            if spelling:
                data[name] = spelling
        if d["birth_date"]:
            data["birth_date"] = d["birth_date"].isoformat()
        if d["citizenship"]:
            data["citizenship"] = d["citizenship"]
        docs = []
        for line in d["documents"].splitlines():
            parts = line.split()
            if parts:
                series = " ".join(parts[:-1]) or None
                docs.append({"number": parts[-1], **({"series": series} if series else {})})
        if docs:
            data["identity_document"] = docs
        if d["residence_address"].strip():
            data["residence_address"] = d["residence_address"].strip()
        return data

    @classmethod
    def initial_of(cls, i) -> dict:
        data = i.data
        initial = {"role": i.role, "category": i.category, "phone": i.phone}
        for name in ("surname", "given_name", "patronymic"):
            for s in ("cyrillic", "latin"):
                initial[f"{name}_{s}"] = (data.get(name) or {}).get(s, "")
        initial["birth_date"] = data.get("birth_date", "")
        initial["citizenship"] = list(data.get("citizenship", []))
        initial["documents"] = "\n".join(
            " ".join(filter(None, (d.get("series"), d.get("number"))))
            for d in data.get("identity_document", [])
        )
        initial["residence_address"] = data.get("residence_address", "")
        return initial


class SendForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.all(), label=gettext_lazy("Agreement"), to_field_name="code"
    )
    receiver = forms.ModelChoiceField(
        queryset=Authority.objects.none(), label=gettext_lazy("Receiving authority")
    )
    in_reply_to = forms.ModelChoiceField(
        queryset=Case.objects.none(),
        label=gettext_lazy("In reply to the request"),
        required=False,
        empty_label=gettext_lazy("— without a request —"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = user.authority
        self.fields["receiver"].queryset = Authority.objects.exclude(party_id=own.party_id)
        self.fields["in_reply_to"].queryset = Case.objects.filter(
            owner_id=own.pk, side=Side.REQUESTED
        ).exclude(number="")
