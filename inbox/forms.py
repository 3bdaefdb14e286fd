from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field
from django import forms
from django.utils.translation import gettext_lazy as _

from orders.fields import model_choice
from orders.forms import PersonChoiceField
from orders.layouts import page_helper
from orders.services import CLOSE_REASONS


class CloseForm(forms.Form):
    """Close a conversation, saying why (an order made from it closes it by itself)."""

    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[("", _("Close as…"))] + [(reason.value, reason.label) for reason in CLOSE_REASONS],
        error_messages={"required": _("Choose why the conversation is closed.")},
    )

    @property
    def helper(self) -> FormHelper:
        return page_helper(
            FieldWithButtons(
                Field("reason", css_class="form-select-sm", aria_label=_("Why the conversation is closed")),
                StrictButton(
                    _("Close"), type="submit", css_class="btn-sm btn-outline-secondary", data_testid="close"
                ),
            ),
            form_show_labels=False,
        )


class InboxFilterForm(forms.Form):
    """The supervisor's filters: one manager's conversations, and only those whose first reply is overdue."""

    manager = PersonChoiceField(label=_("Manager"), queryset=None, required=False, empty_label=_("All managers"))
    overdue = forms.BooleanField(label=_("First reply overdue"), required=False)

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "manager").queryset = managers

    @property
    def helper(self) -> FormHelper:
        helper = page_helper(
            Div(
                Div(Field("manager", css_class="form-select-sm"), css_class="col-auto"),
                Div(Field("overdue"), css_class="col-auto pt-1"),
                Div(
                    StrictButton(_("Show"), type="submit", css_class="btn-sm btn-outline-primary"),
                    css_class="col-auto",
                ),
                css_class="row g-2 align-items-center",
            ),
            form_show_labels=False,
        )
        helper.form_tag, helper.form_method = True, "get"
        return helper
