"""What each member of staff is granted: for shops, order types, methods and regions, either all of them or the
ones chosen, and the form says which, in words, before it is saved."""

from django import forms
from django.contrib import admin

from orders.admin.audit import AuditedAdmin
from orders.admin.people import PeopleByName
from orders.models import AccessGrant, Order
from orders.models.access import regions_on_orders

# (the "all" flag, the list, what the list holds, the list's column) in the order the form shows them.
PARTS = [
    ("all_shops", "shops", "shops", "shop_list"),
    ("all_order_types", "order_types", "order types", "type_list"),
    ("all_methods", "methods", "methods", "method_list"),
    ("all_regions", "regions", "regions", "region_list"),
]
NONE_CHOSEN = "Neither “all” nor any chosen: no {what}, so this person sees no orders and routing gives them none."


class AccessGrantForm(forms.ModelForm):
    order_types = forms.MultipleChoiceField(
        choices=Order.Type.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        choices=Order.Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Chosen from the regions orders come from, never typed: a typo would silently narrow routing.
    regions = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AccessGrant
        fields = ["user", *[name for flag, field, _, _ in PARTS for name in (flag, field)]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen = regions_on_orders()
        # A region a grant names that no order has come from is shown (ticked), so saving never drops it unseen;
        # the model refuses it until it is unticked.
        kept = [region for region in self.instance.regions if region not in seen] if self.instance.pk else []
        regions = self.fields["regions"]
        assert isinstance(regions, forms.MultipleChoiceField)
        regions.choices = [(region, region) for region in seen] + [
            (region, f"{region} (no order has come from it)") for region in kept
        ]
        for flag, field, what, _ in PARTS:
            self.fields[flag].help_text = f"Every one of the {what}, including any added later" + (
                ", and orders with no region." if flag == "all_regions" else "."
            )
            self.fields[field].help_text = "Only those chosen. " + NONE_CHOSEN.format(what=what)
        if not seen:
            self.fields["regions"].help_text = "No order has a region yet. " + NONE_CHOSEN.format(what="regions")

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        for flag, field, what, _ in PARTS:
            if cleaned.get(flag) and cleaned.get(field):
                self.add_error(field, f"Either all {what}, or the ones chosen: not both.")
        return cleaned


@admin.register(AccessGrant)
class AccessGrantAdmin(AuditedAdmin, PeopleByName, admin.ModelAdmin):
    form = AccessGrantForm
    list_display = ["user", "shop_list", "type_list", "method_list", "region_list"]
    filter_horizontal = ["shops"]
    raw_id_fields = ["user"]
    readonly_fields = ["gives"]
    fieldsets = [
        (None, {"fields": ["user", "gives"]}),
        # mypy reads the unpacked sections' options as plain dicts, not django-stubs' TypedDict of them.
        *[(what.capitalize(), {"fields": [flag, field]}) for flag, field, what, _ in PARTS],  # type: ignore[list-item]
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("shops")

    @admin.display(description="Shops")
    def shop_list(self, grant):
        return _listed(grant.all_shops, [shop.code for shop in grant.shops.all()])

    @admin.display(description="Order types")
    def type_list(self, grant):
        return _listed(grant.all_order_types, [Order.Type(code).label for code in grant.order_types])

    @admin.display(description="Methods")
    def method_list(self, grant):
        return _listed(grant.all_methods, [Order.Method(code).label for code in grant.methods])

    @admin.display(description="Regions")
    def region_list(self, grant):
        return _listed(grant.all_regions, grant.regions)

    @admin.display(description="As saved, this grant gives")
    def gives(self, grant):
        """What the saved grant lets the person see and be given, in words."""
        if grant.pk is None:
            return "Nothing yet: choose below."
        lines = [f"{what.capitalize()}: {getattr(self, column)(grant)}" for _, _, what, column in PARTS]
        empty = [what for flag, field, what, _ in PARTS if not getattr(grant, flag) and not _values(grant, field)]
        if empty:
            lines.append(f"No {' and no '.join(empty)}: sees no orders (but those they hold) and is routed none.")
        return " · ".join(lines)


def _values(grant, field):
    return grant.shops.all() if field == "shops" else getattr(grant, field)


def _listed(everything: bool, names: list[str]) -> str:
    if everything:
        return "all"
    return ", ".join(names) if names else "none"
