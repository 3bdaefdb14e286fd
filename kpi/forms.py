from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from kpi.rollup import Period

PERIODS = [("today", _("Today")), ("7d", _("7 days")), ("30d", _("30 days")), ("custom", _("Custom"))]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=PERIODS, required=False)
    first = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    shop = forms.IntegerField(required=False)

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
