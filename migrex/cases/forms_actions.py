"""The small form behind each action button of a case: what that move needs (migrex.cases.effects).

Whether the text is required, the grounds are known, the assignee may execute: the services decide
and say so with the article; these forms only collect the input.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from migrex.cases import workflow
from migrex.cases.forms_base import ArticleMixin, article_label, bi, rule_or_empty

# The text each move sends, labelled by what it is; the services require it (effects.CHECKS).
TEXT_LABELS = {
    "request_information": _("What information is needed"),
    "notify_obstacle": _("Circumstances that prevent or delay execution"),
    "postpone": _("Reason for postponing"),
    "resume": _("Why execution resumes"),
    "set_conditions": _("Conditions of execution"),
    "notify_confidentiality": _("Why confidentiality cannot be kept"),
    "provide_information": _("Additional information"),
    "decline_conditions": _("Why the conditions are declined"),
    "withdraw": _("Reason for withdrawal"),
    "ask_confirmation": _("What is in doubt"),
    "confirm": _("Confirmation"),
    "reply": _("Result of the execution"),
    "reply_partially": _("Result of the execution and reasons for the partial refusal"),
    "refuse": _("Reasons for the refusal"),
}
# Moves with an optional comment for the history.
COMMENT = {"submit", "return", "accept_conditions", "proceed", "acknowledge", "register", "assign"}
GROUNDS = {"refuse", "reply_partially"}
PERSONS = {"reply", "reply_partially"}
ASSIGNEE = {"register": False, "assign": True}  # action: required


class ActionForm(ArticleMixin, forms.Form):
    def __init__(self, *args, action: str, case, profile, article: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action in ASSIGNEE:
            self.fields["assignee"] = forms.ModelChoiceField(
                label=_("Executing officer"),
                required=ASSIGNEE[action],
                queryset=get_user_model()
                .objects.filter(
                    authority_id=case.own_authority_id,
                    is_active=True,
                    groups__name__in=(workflow.OPERATOR, workflow.SUPERVISOR),
                )
                .distinct()
                .order_by("last_name", "first_name"),
                empty_label="—",
            )
            self.set_article("assignee", "10.1")
        if action in GROUNDS:
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
        if action in TEXT_LABELS:
            self.fields["text"] = forms.CharField(
                label=TEXT_LABELS[action],
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.set_article("text", article, needed_to_sign=True)
        elif action in COMMENT:
            self.fields["text"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        if action == "sign":
            self.fields["password"] = forms.CharField(
                label=_("Confirm your password to sign"),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                strip=False,
            )
            self.set_article("password", "9.3")

    @property
    def takes_persons(self) -> bool:
        return self.action in PERSONS

    def service_data(self, persons: list[dict]) -> dict:
        d = self.cleaned_data
        data: dict = {}
        if "text" in d:
            data["text"] = d["text"].strip()
        if d.get("grounds"):
            data["grounds"] = list(d["grounds"])
        if d.get("assignee") is not None:
            data["assignee"] = d["assignee"].pk
        if persons:
            data["persons"] = persons
        return data
