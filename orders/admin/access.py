"""What each member of staff is granted."""

from django import forms
from django.contrib import admin

from orders.admin.audit import AuditedAdmin
from orders.admin.people import PeopleByName
from orders.models import AccessGrant, Order


class AccessGrantForm(forms.ModelForm):
    order_types = forms.MultipleChoiceField(
        choices=Order.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None = all.",
    )
    methods = forms.MultipleChoiceField(
        choices=Order.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None = all.",
    )
    regions = forms.CharField(required=False, help_text="Comma-separated; empty = all regions.")

    class Meta:
        model = AccessGrant
        fields = ["user", "shops", "order_types", "methods", "regions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["regions"] = ", ".join(self.instance.regions)

    def clean_regions(self):
        return [region.strip() for region in self.cleaned_data["regions"].split(",") if region.strip()]


@admin.register(AccessGrant)
class AccessGrantAdmin(AuditedAdmin, PeopleByName, admin.ModelAdmin):
    form = AccessGrantForm
    list_display = ["user", "shop_list", "order_types", "methods", "regions"]
    filter_horizontal = ["shops"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("shops")

    @admin.display(description="Shops")
    def shop_list(self, grant):
        return ", ".join(shop.code for shop in grant.shops.all()) or "all"
