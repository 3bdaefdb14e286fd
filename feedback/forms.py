from django import forms

from feedback.models import Claim


class ClaimStepForm(forms.Form):
    action = forms.ChoiceField(choices=[("take", "Take in work"), ("resolve", "Resolve"), ("fail", "Failed")])
    text = forms.CharField(required=False, max_length=1000)


class ClaimNoteForm(forms.Form):
    text = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("open", "Open"), ("", "All"), *Claim.State.choices])
    overdue = forms.BooleanField(required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(coerce=int, choices=[(n, str(n)) for n in range(1, 6)])


class RateForm(forms.Form):
    """The rating page: the link's rating chosen, another can be picked, and a comment if the customer likes."""

    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(5, "Excellent"), (4, "Good"), (3, "So-so"), (2, "Poor"), (1, "Bad")],
        error_messages={"required": "Choose a rating."},
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    """After the rating: the box is there to send a comment, so an empty one says what to do."""

    comment = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write what you would like to add, then press Send."},
    )
