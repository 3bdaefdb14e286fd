from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from orders.layouts import page_helper


class CodeForm(forms.Form):
    """The code an authenticator app shows (6 digits) or, at sign-in, a backup code; what it matches is the
    view's work. A refused code comes back under the box, with what was typed."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "placeholder": "123456", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, numeric: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if numeric:  # enrolling takes only the app's 6 digits: a phone shows its number pad
            self.fields["code"].widget.attrs.update(inputmode="numeric", maxlength=8)

    @property
    def helper(self) -> FormHelper:
        """Built per form: crispy writes a Field's attributes out when the Field is made, so a class-level
        helper would keep the aria-label in the language of whoever imported the module."""
        return page_helper(
            Field("code", css_class="form-control-lg text-center", aria_label=_("Code")), form_show_labels=False
        )
