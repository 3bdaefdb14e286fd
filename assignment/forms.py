from django import forms

from assignment.models import Presence


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(choices=Presence.choices)
