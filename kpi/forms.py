from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from kpi.rollup import Period
from orders.fields import LocaleDateInput
from orders.layouts import FIELDS_ONLY, page_helper
from orders.models import Shop

PERIODS = [("today", _("Today")), ("7d", _("7 days")), ("30d", _("30 days")), ("custom", _("Custom"))]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False, initial="7d")
    first = forms.DateField(label=_("From"), required=False, widget=LocaleDateInput)
    last = forms.DateField(label=_("To"), required=False, widget=LocaleDateInput)
    # Any shop id is read (the scope narrows to the viewer's shops); the list offers the viewer's own.
    shop = forms.IntegerField(label=_("Shop"), required=False, widget=forms.Select)

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        if data is not None and not data.get("period"):  # the page's default period, shown as chosen
            data = {**data, "period": "7d"}
        super().__init__(data, **kwargs)
        self.shops: Iterable[Shop] | None = None

    def offer_shops(self, shops: Iterable[Shop]) -> None:
        """The shops the page offers (read only when the form is drawn); without them no shop box is drawn."""
        self.shops = shops
        shop = self.fields["shop"]
        # A callable: Django reads it only when the box is drawn (django-stubs does not know it may be one).
        offered = lambda: [("", _("All shops")), *((s.pk, s.name) for s in shops)]  # noqa: E731
        shop.widget = forms.Select(choices=offered)  # type: ignore[arg-type]

    @property
    def helper(self) -> FormHelper:
        """One line of small boxes and the Show button; the sort asked for stays as it was."""
        column = "col-6 col-md-2"
        boxes = [
            Div(Field("period", css_class="form-select-sm"), css_class=column),
            Div(Field("first", css_class="form-control-sm"), css_class=column),
            Div(Field("last", css_class="form-control-sm"), css_class=column),
        ]
        if self.shops is not None:
            boxes.append(Div(Field("shop", css_class="form-select-sm"), css_class=column))
        show = Div(
            HTML('<input type="hidden" name="sort" value="{{ sort }}">'),
            Submit("", _("Show"), css_class="btn-sm"),
            css_class="col-auto",
        )
        # The page draws the form's own refusal above the boxes.
        return page_helper(Div(*boxes, show, css_class="row g-2 align-items-end"), template=FIELDS_ONLY)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        if cleaned.get("period") == "custom":
            first, last = cleaned.get("first"), cleaned.get("last")
            if not first or not last:
                raise forms.ValidationError(_("Give both days of a custom period."))
            if first > last:
                raise forms.ValidationError(_("The period's first day comes after its last."))
            if last - first > timedelta(days=366):
                raise forms.ValidationError(_("A period is at most a year."))
        return cleaned

    def period_of(self, today: date) -> Period:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or "7d"
        if choice == "custom":
            return Period(data["first"], data["last"])
        days = {"today": 1, "7d": 7, "30d": 30}[choice]
        return Period(today - timedelta(days=days - 1), today)
