"""Forms of the web UI: the draft request or information without a request (Art. 8, 9.2) and its
attachments. Persons are in forms_persons, the errors of the services in forms_errors.

The forms only parse what the officer typed; the rules themselves (agreement in force, categories,
the Art. 6 whitelist, the content of a request) are checked by the case services.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Authority
from migrex.agreements.profile import Profile, rule_or_empty
from migrex.agreements.selectors import profile_of
from migrex.cases.validation import MAX_ATTACHMENT, MAX_TEXT
from migrex.core.forms import (
    ArticleMixin,
    OptionDisabledSelect,
    article_label,
    bi,
    english,
    row_keys,
    text_area,
)

TEXT_CONTENT = ("summary", "purpose", "justification", "other_information")

# Information sent without a request (Art. 8: «имеющуюся у нее информацию по вопросам миграции
# без запроса, если есть основания полагать, что такая информация представляет интерес для
# другой Стороны») is not a request: its fields say what it is. The content still follows the
# items of Art. 9.2, whose articles and «needed to sign» marks the profile gives.
SPONTANEOUS_LABELS = {
    "summary": _("Summary of the information"),
    "purpose": _("Purpose of passing the information"),
    "justification": _("Reasons to believe the information is of interest to the other party"),
    "other_information": _("Other information"),
    "requested_authority": _("Receiving authority"),
    "confidential": _(
        "Confidential: the receipt and content of the information are kept confidential"
    ),
}


class DraftForm(ArticleMixin, forms.Form):
    """The Art. 9.2 content of a request or of information without a request (Art. 8)."""

    agreement = forms.TypedChoiceField(label=_("Agreement"), coerce=int)
    requested_authority = forms.ModelChoiceField(
        label=_("Requested authority"), queryset=Authority.objects.none(), empty_label="—"
    )
    summary = forms.CharField(
        max_length=MAX_TEXT["summary"],
        label=_("Summary of the request"),
        required=False,
        widget=text_area(3),
    )
    purpose = forms.CharField(
        max_length=MAX_TEXT["purpose"],
        label=_("Purpose of the request"),
        required=False,
        widget=text_area(2),
    )
    justification = forms.CharField(
        max_length=MAX_TEXT["justification"],
        label=_("Justification of the request"),
        required=False,
        widget=text_area(3),
    )
    other_information = forms.CharField(
        max_length=MAX_TEXT["other_information"],
        label=_("Other information useful for the execution"),
        required=False,
        widget=text_area(3),
    )
    topics = forms.MultipleChoiceField(
        label=_("Subjects"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confidential = forms.BooleanField(
        label=_("Confidential: the receipt and content of the request are kept confidential"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, case=None, kind: str = "request", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.case = case
        self.kind = case.kind if case is not None else kind
        today = timezone.localdate()
        if case is not None:  # the agreement and the authorities of a draft do not change
            del self.fields["agreement"], self.fields["requested_authority"]
            self.chosen_agreement = case.agreement
        else:
            self.chosen_agreement = self._agreement_field(today)
            self._authority_field()
        self.profile = profile_of(self.chosen_agreement) if self.chosen_agreement else None
        self.set_article("confidential", "11.1")
        self.fields["topics"].choices = [
            (t.code, f"{bi(t.name)} ({article_label(t.article)})")
            for t in rule_or_empty(self.profile, "rules.topics")
        ]
        self.set_article("topics", "3, 4")
        for item in rule_or_empty(self.profile, "rules.request_content"):
            if item.code in TEXT_CONTENT:
                self.fields[item.code].label = bi(item.name)
                self.set_article(item.code, item.article, needed_to_sign=item.required)
        if self.kind == "spontaneous":
            for name, label in SPONTANEOUS_LABELS.items():
                if name in self.fields:
                    self.fields[name].label = label

    def _agreement_field(self, today) -> Agreement | None:
        field = self.fields["agreement"]
        self.agreements = list(
            Agreement.objects.filter(authorities=self.user.authority_id)
            .select_related("current_version")
            .order_by("code")
        )
        closed, choices = set(), []
        for agreement in self.agreements:
            profile = profile_of(agreement)
            label = bi(profile.title)
            if not dates.is_in_force(profile, today):
                # Listed so the officer sees why it cannot be used, but not selectable (Art. 17);
                # the services refuse it too if it is posted anyway.
                status = dates.status_on(profile, today)
                closed.add(str(agreement.pk))
                label += " — " + str(_("not in force (%(status)s), Art. 17")) % {
                    "status": status.label_en if english() else status.label_ru
                }
            choices.append((agreement.pk, label))
        field.widget = OptionDisabledSelect(disabled_values=frozenset(closed))
        field.choices = choices
        self.set_article("agreement", "17")
        open_ = [a.pk for a in self.agreements if str(a.pk) not in closed]
        chosen = self.data.get(self.add_prefix("agreement")) if self.is_bound else None
        chosen = chosen or self.initial.get("agreement") or (open_[0] if open_ else None)
        self.initial.setdefault("agreement", chosen)
        return next((a for a in self.agreements if str(a.pk) == str(chosen)), None)

    def clean_agreement(self) -> Agreement:
        pk = self.cleaned_data["agreement"]
        return next(a for a in self.agreements if a.pk == pk)

    def _authority_field(self) -> None:
        field = self.fields["requested_authority"]
        self.set_article("requested_authority", "2, 9.2")
        if self.chosen_agreement is None:
            return
        field.queryset = (
            Authority.objects.filter(agreements=self.chosen_agreement)
            .exclude(party_id=self.user.authority.party_id)
            .order_by("code")
        )
        field.label_from_instance = lambda a: a.name_en if english() else a.name_ru

    def draft_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name].strip() for name in TEXT_CONTENT}
        fields["topics"] = list(data["topics"])
        fields["confidential"] = data["confidential"]
        return fields


class AttachmentForm(ArticleMixin, forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    kind = forms.ChoiceField(label=_("Kind"))

    KINDS = (
        ("document", _("document")),
        ("photo", _("photograph")),
        ("fingerprint_card", _("fingerprint card")),
    )

    def __init__(self, *args, profile: Profile | None, key: str, **kwargs):
        super().__init__(*args, prefix=f"attachments-{key}", **kwargs)
        self.key = key
        allowed = profile.field_codes if profile else frozenset()
        # Photographs and fingerprint cards are Art. 6 personal data: only where allowed.
        self.fields["kind"].choices = [
            (code, label) for code, label in self.KINDS if code == "document" or code in allowed
        ]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload is not None and upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("The file is larger than 25 MB."))
        return upload


def attachment_forms(data, files, profile: Profile | None) -> list[AttachmentForm]:
    return [
        AttachmentForm(data, files, profile=profile, key=k) for k in row_keys(data, "attachments")
    ]
