from django import forms

from notifications.models import Channel, MessageTemplate


class MessageForm(forms.Form):
    """A member of staff writes to an order's customer: free text, or one of the templates (whose text is
    shown before it goes)."""

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
    # The template whose text the person was shown; a template not yet shown is previewed, not sent.
    previewed = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            template = self.fields["template"]
            assert isinstance(template, forms.ModelChoiceField)
            template.queryset = templates

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        template, body = cleaned.get("template"), cleaned.get("body", "").strip()
        if template is not None and body:
            self.add_error("body", "A template sends its own text: clear this box, or choose Free text.")
        elif template is None and not body:
            self.add_error("body", "Write the message, or choose a template.")
        return cleaned

    @property
    def seen_template(self) -> bool:
        """The chosen template's text was shown on the page the person sent from."""
        template = self.cleaned_data.get("template")
        return template is None or self.cleaned_data.get("previewed") == template.pk
