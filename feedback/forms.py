from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field
from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import Claim
from orders.fields import model_choice
from orders.layouts import page_helper
from orders.models import Shop


class ClaimStepForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("take", _("Take in work")), ("resolve", _("Resolve")), ("fail", _("Failed"))]
    )
    text = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("What was done for the customer (required to close)")}
        ),
    )

    # The steps are the page's buttons (`name="action"`); this draws what was done, and the refusal above it.
    helper = page_helper(Field("text", aria_label=_("Outcome")), form_show_labels=False)


class ClaimNoteForm(forms.Form):
    text = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(
            # Its own id: the step form on the same page has a "text" box too.
            attrs={"rows": 1, "placeholder": _("A note: who was called, what was agreed"), "id": "claim-note-text"}
        ),
    )

    @property
    def helper(self) -> FormHelper:
        return page_helper(
            FieldWithButtons(
                Field("text", aria_label=_("Note")),
                StrictButton(_("Add note"), type="submit", css_class="btn-outline-primary"),
            ),
            form_show_labels=False,
        )


class ClaimFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False, label=_("State"), choices=[("open", _("Open")), ("", _("All")), *Claim.State.choices]
    )
    # Shown to choose from; the list reads the shop from the query as it stands.
    shop: "forms.ModelChoiceField[Shop]" = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Shop"), empty_label=_("Any")
    )
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "shop").queryset = shops

    @property
    def helper(self) -> FormHelper:
        level = HTML('<div class="form-label invisible" aria-hidden="true">&nbsp;</div>')
        return page_helper(
            Div(
                Div(Field("state", css_class="form-select-sm"), css_class="col-6 col-md-3"),
                Div(Field("shop", css_class="form-select-sm"), css_class="col-6 col-md-3"),
                Div(
                    level,
                    Field("overdue", template="bootstrap5/layout/inline_field.html"),
                    css_class="col-6 col-md-3",
                ),
                Div(level, HTML('{% include "feedback/_filter_buttons.html" %}'), css_class="col-auto"),
                css_class="row g-2 align-items-start",
            )
        )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(coerce=int, choices=[(n, str(n)) for n in range(1, 6)])


class RateForm(forms.Form):
    """The rating page: the link's rating chosen, another can be picked, and a comment if the customer likes."""

    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(5, _("Excellent")), (4, _("Good")), (3, _("So-so")), (2, _("Poor")), (1, _("Bad"))],
        error_messages={"required": _("Choose a rating.")},
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    """After the rating: the box is there to send a comment, so an empty one says what to do."""

    comment = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you would like to add, then press Send.")},
    )
