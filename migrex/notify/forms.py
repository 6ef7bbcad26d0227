from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.notify.models import Mode


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to tell you"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how to tell you."),
            "invalid_choice": _("Choose one of the three ways."),
        },
    )
