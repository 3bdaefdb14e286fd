"""What each member of staff is granted: for shops, order types, methods and regions, either all of them or the
ones chosen, and the form says which, in words, before it is saved."""

from typing import NamedTuple

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from orders.admin.audit import AuditedAdmin
from orders.admin.people import PeopleByName
from orders.models import AccessGrant, Order
from orders.models.access import regions_on_orders


class Part(NamedTuple):
    """One part of a grant, with what the form says about it (whole sentences, each translated as one)."""

    flag: str  # the "all" flag
    field: str  # the list
    column: str  # the list's column
    title: StrPromise
    every: StrPromise  # the flag's help
    none_chosen: StrPromise  # neither "all" nor any chosen
    both: StrPromise  # "all" and some chosen
    nothing: StrPromise  # in "As saved, this grant gives"


# In the order the form shows them.
PARTS = [
    Part(
        "all_shops",
        "shops",
        "shop_list",
        _("Shops"),
        _("Every one of the shops, including any added later."),
        _("Neither “all” nor any chosen: no shops, so this person sees no orders and routing gives them none."),
        _("Either all shops, or the ones chosen: not both."),
        _("no shops"),
    ),
    Part(
        "all_order_types",
        "order_types",
        "type_list",
        _("Order types"),
        _("Every one of the order types, including any added later."),
        _(
            "Neither “all” nor any chosen: no order types, so this person sees no orders and routing gives them "
            "none."
        ),
        _("Either all order types, or the ones chosen: not both."),
        _("no order types"),
    ),
    Part(
        "all_methods",
        "methods",
        "method_list",
        _("Methods"),
        _("Every one of the methods, including any added later."),
        _("Neither “all” nor any chosen: no methods, so this person sees no orders and routing gives them none."),
        _("Either all methods, or the ones chosen: not both."),
        _("no methods"),
    ),
    Part(
        "all_regions",
        "regions",
        "region_list",
        _("Regions"),
        _("Every one of the regions, including any added later, and orders with no region."),
        _("Neither “all” nor any chosen: no regions, so this person sees no orders and routing gives them none."),
        _("Either all regions, or the ones chosen: not both."),
        _("no regions"),
    ),
]


class AccessGrantForm(forms.ModelForm):
    order_types = forms.MultipleChoiceField(
        label=_("order types"), choices=Order.Type.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        label=_("methods"), choices=Order.Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(label=_("regions"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AccessGrant
        fields = ["user", *[name for part in PARTS for name in (part.flag, part.field)]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seen = regions_on_orders()
        kept = [region for region in self.instance.regions if region not in seen] if self.instance.pk else []
        regions = self.fields["regions"]
        assert isinstance(regions, forms.MultipleChoiceField)
        regions.choices = [(region, region) for region in seen] + [
            (region, gettext("%(region)s (no order has come from it)") % {"region": region}) for region in kept
        ]
        for part in PARTS:
            self.fields[part.flag].help_text = part.every
            self.fields[part.field].help_text = " ".join([gettext("Only those chosen."), str(part.none_chosen)])
        if not seen:
            self.fields["regions"].help_text = " ".join(
                [gettext("No order has a region yet."), str(PARTS[-1].none_chosen)]
            )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean() returns its cleaned_data
        for part in PARTS:
            if cleaned.get(part.flag) and cleaned.get(part.field):
                self.add_error(part.field, part.both)
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
        *[(part.title, {"fields": [part.flag, part.field]}) for part in PARTS],  # type: ignore[list-item]
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("shops")

    @admin.display(description=_("Shops"))
    def shop_list(self, grant):
        return _listed(grant.all_shops, [shop.code for shop in grant.shops.all()])

    @admin.display(description=_("Order types"))
    def type_list(self, grant):
        return _listed(grant.all_order_types, [str(Order.Type(code).label) for code in grant.order_types])

    @admin.display(description=_("Methods"))
    def method_list(self, grant):
        return _listed(grant.all_methods, [str(Order.Method(code).label) for code in grant.methods])

    @admin.display(description=_("Regions"))
    def region_list(self, grant):
        return _listed(grant.all_regions, grant.regions)

    @admin.display(description=_("As saved, this grant gives"))
    def gives(self, grant):
        """What the saved grant lets the person see and be given, in words."""
        if grant.pk is None:
            return gettext("Nothing yet: choose below.")
        lines = [f"{part.title}: {getattr(self, part.column)(grant)}" for part in PARTS]
        empty = [
            str(part.nothing) for part in PARTS if not getattr(grant, part.flag) and not _values(grant, part.field)
        ]
        if empty:
            lines.append(
                gettext("%(parts)s: sees no orders (but those they hold) and is routed none.")
                % {"parts": capfirst(_and(empty))}
            )
        return " · ".join(lines)


def _values(grant, field):
    return grant.shops.all() if field == "shops" else getattr(grant, field)


def _and(items: list[str]) -> str:
    """ "a, b and c" in the reader's language."""
    if len(items) == 1:
        return items[0]
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _listed(everything: bool, names: list[str]) -> str:
    if everything:
        return gettext("all")
    return ", ".join(names) if names else gettext("none")
