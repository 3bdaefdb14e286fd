"""Page forms are drawn by django-crispy-forms with its Bootstrap 5 pack: a form declares its layout (columns,
sizes, buttons beside a box) in a helper, and the pack gives every box its Bootstrap classes, its label and its
errors under it. No form sets a CSS class on a widget by hand."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout

# Draws a layout's fields without the form's own errors above them: for the second part of a form the page splits
# in two (New order's customer and order cards), whose first part shows them.
FIELDS_ONLY = "orders/crispy_fields_only.html"


def page_helper(*layout: Any, **options: Any) -> FormHelper:
    """A helper for a form whose <form> tag (action, CSRF token, test ids) the page writes around it."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    for name, value in options.items():
        setattr(helper, name, value)
    return helper
