from django import forms

from notifications.models import Channel, MessageTemplate


class MessageForm(forms.Form):
    """A member of staff writes to an order's customer: free text, or one of the templates."""

    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SMS)
    template = forms.ModelChoiceField(
        queryset=MessageTemplate.objects.filter(is_active=True), required=False, empty_label="Free text"
    )
    body = forms.CharField(
        label="Message",
        required=False,
        max_length=1600,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1600, "placeholder": "Write to the customer…"}),
    )

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            self.fields["template"].queryset = templates

    def clean(self):
        cleaned = super().clean()
        template, body = cleaned.get("template"), cleaned.get("body", "").strip()
        if template is not None:
            cleaned["channel"] = template.channel  # a template says which channel it is written for
        elif not body:
            self.add_error("body", "Write the message, or choose a template.")
        return cleaned
