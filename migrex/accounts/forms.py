from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from migrex.accounts import totp


class LoginForm(AuthenticationForm):
    """Django's form; the lockout is checked by the view before the password is."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = totp.normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("The code is %(digits)s digits from 0 to 9."), params={"digits": totp.DIGITS}
            )
        return code
