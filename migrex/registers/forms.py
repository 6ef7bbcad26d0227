"""Forms of the register pages; the services validate against the agreement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from migrex.agreements.models import Agreement, Authority, Party
from migrex.registers.models import CooperationEvent

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _agreements(user):
    return Agreement.objects.filter(authorities=user.authority_id).order_by("code")


class LegislationForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(), label=gettext_lazy("Agreement"), to_field_name="code"
    )
    title = forms.CharField(label=gettext_lazy("Title of the act"), max_length=500)
    adopted_on = forms.DateField(label=gettext_lazy("Adopted on"), widget=DATE)
    in_force_on = forms.DateField(label=gettext_lazy("In force from"), widget=DATE, required=False)
    summary = forms.CharField(
        label=gettext_lazy("Summary of the changes"), widget=forms.Textarea(attrs={"rows": 4})
    )
    text = forms.FileField(label=gettext_lazy("Text of the act (file)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = _agreements(user)


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words in the title or summary"), required=False)
    party = forms.ModelChoiceField(
        queryset=Party.objects.all(), label=gettext_lazy("Country"), required=False
    )
    since = forms.DateField(label=gettext_lazy("Adopted from"), widget=DATE, required=False)
    until = forms.DateField(label=gettext_lazy("Adopted until"), widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", gettext_lazy("The end of the period is before its start."))
        return data


class CooperationForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(), label=gettext_lazy("Agreement"), to_field_name="code"
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Form of cooperation"), choices=CooperationEvent.Kind.choices
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE, required=False)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300, required=False)
    authorities = forms.ModelMultipleChoiceField(
        queryset=Authority.objects.none(),
        label=gettext_lazy("Participating authorities"),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    people = forms.CharField(
        label=gettext_lazy("Participants (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    outcomes = forms.CharField(
        label=gettext_lazy("Outcomes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agreements = _agreements(user)
        self.fields["agreement"].queryset = agreements
        self.fields["authorities"].queryset = Authority.objects.filter(
            agreements__in=agreements
        ).distinct()


class RenameForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(), label=gettext_lazy("Agreement"), to_field_name="code"
    )
    authority = forms.ModelChoiceField(
        queryset=Authority.objects.none(), label=gettext_lazy("Authority"), to_field_name="code"
    )
    name_ru = forms.CharField(label=gettext_lazy("New name (Russian)"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("New name (English)"), max_length=300)
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = _agreements(user)
        party = user.authority.party_id if user.authority_id else None
        self.fields["authority"].queryset = Authority.objects.filter(party_id=party)


class SendListForm(forms.Form):
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(), label=gettext_lazy("Agreement"), to_field_name="code"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = _agreements(user)


class ReplaceForm(RenameForm):
    """One of this party's authorities replaced by another state body (Art. 2)."""

    code = forms.SlugField(label=gettext_lazy("Code of the new authority"), max_length=64)
    kind = forms.CharField(label=gettext_lazy("Kind of the new authority"), max_length=64)

    field_order = ["agreement", "authority", "code", "kind", "name_ru", "name_en", "valid_from"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["authority"].label = gettext_lazy("Authority that is replaced")
        self.fields["name_ru"].label = gettext_lazy("Name of the new authority (Russian)")
        self.fields["name_en"].label = gettext_lazy("Name of the new authority (English)")
