from django import forms
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.utils.translation import gettext_lazy as _

from webhooks.models import EventType, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    """The events as boxes to tick (kept as a list of their codes)."""

    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        widget=AdminURLFieldWidget,  # admin's own wide URL box
        help_text=_(
            "Where the shop's site takes the events: an address starting with https://, on the internet "
            "(private and local network addresses are refused). Each request is signed as the Standard "
            "Webhooks specification says, with the secret shown once when the endpoint is saved."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["shop", "url", "events", "is_active"]
        help_texts = {
            "is_active": _(
                "The desk switches an endpoint off when it answers 410 Gone or fails too many times in a row; "
                "switch it on again here once the site is fixed: what waited is sent then."
            ),
        }
