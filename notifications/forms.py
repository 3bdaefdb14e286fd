from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Channel, MessageTemplate
from notifications.models.messages import TWILIO_BODY_MAX
from notifications.selectors import message_templates_for_staff
from orders.fields import model_choice
from orders.layouts import FIELDS_ONLY, page_helper


class TemplateChoiceField(forms.ModelChoiceField):
    """A choice of message templates, each shown with its channel."""

    def label_from_instance(self, obj: MessageTemplate) -> str:
        return f"{obj.get_channel_display()}: {obj.name}"


class MessageForm(forms.Form):
    """A member of staff writes to an order's customer: free text, or one of the templates (whose text is
    shown before it goes)."""

    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SMS)
    template = TemplateChoiceField(
        queryset=message_templates_for_staff(), required=False, empty_label=_("Free text")
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=TWILIO_BODY_MAX,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "maxlength": TWILIO_BODY_MAX,
                "placeholder": _("Write to the customer… (or choose a template)"),
            }
        ),
    )
    # The template whose text the person was shown; a template not yet shown is previewed, not sent.
    previewed = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            model_choice(self, "template").queryset = templates

    @property
    def helper(self) -> FormHelper:
        """Channel and template on one line, the message under them; the page shows the form's own refusal above
        (and the preview below), so only the fields' errors are drawn here."""
        return page_helper(
            Div(
                Div(Field("channel", css_class="form-select-sm", aria_label=_("Channel")), css_class="col-sm-3"),
                Div(Field("template", css_class="form-select-sm", aria_label=_("Template")), css_class="col-sm-9"),
                Div(Field("body", css_class="form-control-sm", aria_label=_("Message")), css_class="col-12"),
                css_class="row g-2",
            ),
            form_show_labels=False,
            template=FIELDS_ONLY,
        )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        template, body = cleaned.get("template"), cleaned.get("body", "").strip()
        if template is not None and body:
            self.add_error("body", _("A template sends its own text: clear this box, or choose Free text."))
        elif template is None and not body:
            self.add_error("body", _("Write the message, or choose a template."))
        return cleaned

    @property
    def seen_template(self) -> bool:
        """The chosen template's text was shown on the page the person sent from."""
        template = self.cleaned_data.get("template")
        return template is None or self.cleaned_data.get("previewed") == template.pk


class PaymentLinkForm(forms.Form):
    """Send the order's payment link by the channel chosen (its own ids: the message form has a channel too)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.SMS)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "payment_link_%s")
        super().__init__(*args, **kwargs)

    @property
    def helper(self) -> FormHelper:
        return page_helper(
            FieldWithButtons(
                Field("channel", css_class="form-select-sm", aria_label=_("Channel")),
                StrictButton(
                    _("Send payment link"),
                    type="submit",
                    css_class="btn-sm btn-outline-primary",
                    data_testid="payment-link-send",
                ),
            ),
            form_show_labels=False,
        )
