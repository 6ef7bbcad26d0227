"""The small form behind each action button of a case, built from the move's declaration
(`actions.Form`). Whether the text is required, the grounds are known, the assignee may execute:
the services decide and say so with the article; these forms only collect the input.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from migrex.accounts.roles import OPERATOR, SUPERVISOR
from migrex.agreements.profile import rule_or_empty
from migrex.agreements.selectors import directory
from migrex.cases import actions
from migrex.cases.validation import MAX_ATTACHMENT, MAX_CONDITION, MAX_MOVE_TEXT
from migrex.core.forms import ArticleMixin, article_label, bi, english


class FilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (Django's documented pattern for `multiple`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FilesInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class ActionForm(ArticleMixin, forms.Form):
    def __init__(self, *args, action: str, case, profile, article: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        spec = actions.BY_NAME[action].form
        self.spec = spec
        if spec.assignee is not None:
            self.fields["assignee"] = forms.ModelChoiceField(
                label=_("Executing officer"),
                required=spec.assignee,
                queryset=get_user_model()
                .objects.filter(
                    authority_id=case.own_authority_id,
                    is_active=True,
                    groups__name__in=(OPERATOR, SUPERVISOR),
                )
                .distinct()
                .order_by("last_name", "first_name"),
                empty_label="—",
            )
            self.set_article("assignee", "10.1")
        if spec.grounds:
            self.fields["grounds"] = forms.MultipleChoiceField(
                label=_("Grounds for refusal"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (g.code, f"{bi(g.name)} ({article_label(g.article)})")
                    for g in getattr(rule_or_empty(profile, "rules.refusal"), "grounds", ())
                ],
            )
            self.set_article("grounds", "10.4")
        if spec.authority:
            self.fields["authority"] = forms.ChoiceField(
                label=_("Competent authority to forward to"),
                choices=[("", "—")]
                + [
                    (a.code, a.name_en if english() else a.name_ru)
                    for a in directory().terms(case.agreement.code).authorities.values()
                    if a.party_id == case.requested_authority.party_id
                    and a.pk != case.requested_authority_id
                ],
            )
            self.set_article("authority", "2")
        if spec.text is not None:
            self.fields["text"] = forms.CharField(
                max_length=MAX_MOVE_TEXT,
                label=spec.text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.set_article("text", article, needed_to_sign=True)
        elif spec.comment:
            self.fields["text"] = forms.CharField(
                max_length=MAX_MOVE_TEXT,
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if spec.postponement:
            self.fields["until"] = forms.DateField(
                label=_("Postponed until"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=_("Give the date, the condition, or both."),
            )
            self.fields["condition"] = forms.CharField(
                max_length=MAX_CONDITION,
                label=_("Postponed until this condition is met"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.set_article("until", "10.2")
            self.set_article("condition", "10.2")
        if spec.files:
            self.fields["attachments"] = FilesField(
                label=_("Attach files"),
                required=False,
                help_text=_("Up to 5 MB together: the message carries them to the other party."),
            )
        if spec.password:
            self.fields["password"] = forms.CharField(
                label=_("Confirm your password to sign"),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                strip=False,
            )
            self.set_article("password", "9.3")

    @property
    def takes_persons(self) -> bool:
        return self.spec.persons

    def clean_attachments(self) -> list:
        uploads = self.cleaned_data.get("attachments") or []
        for upload in uploads:
            if upload.size > MAX_ATTACHMENT:
                raise forms.ValidationError(_("The file is larger than 25 MB."))
        return uploads

    def uploads(self) -> list[dict]:
        """The uploaded files as the services take them (services.transition)."""
        return [
            {
                "name": upload.name,
                "kind": "document",
                "content_type": upload.content_type or "application/octet-stream",
                "content": upload.read(),
            }
            for upload in self.cleaned_data.get("attachments") or []
        ]

    def service_data(self, persons: list[dict]) -> dict:
        d = self.cleaned_data
        data: dict = {}
        if "text" in d:
            data["text"] = d["text"].strip()
        if d.get("grounds"):
            data["grounds"] = list(d["grounds"])
        if d.get("assignee") is not None:
            data["assignee"] = d["assignee"].pk
        if d.get("authority"):
            data["authority"] = d["authority"]
        if self.spec.postponement:
            data["until"] = d["until"].isoformat() if d.get("until") else None
            data["condition"] = d.get("condition", "").strip()
        if persons:
            data["persons"] = persons
        if d.get("password"):  # opens the signatory's key (Art. 9.3); no history keeps it
            data["password"] = d["password"]
        return data
