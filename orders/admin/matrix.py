"""Statuses and the status matrix: one status at a time (with its next statuses inline), or the whole matrix on
one page (rows = from, columns = to). Both save through the models' validation."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.roles import INSPECTOR
from orders.admin.audit import AuditedAdmin
from orders.admin.data import code_column
from orders.admin.durations import HumanDurationsAdmin
from orders.models import Order, PaymentRule, Status, StatusTransition
from orders.services import matrix_save, status_clocks_rederive


class NextStatusesFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("target") and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        if self.instance.is_final and kept:
            raise ValidationError(
                gettext(
                    "%(name)s is final: a final status has no next statuses. Delete these steps or untick final."
                )
                % {"name": self.instance.name or gettext("This status")}
            )


class StatusTransitionInline(admin.TabularInline):
    model = StatusTransition
    formset = NextStatusesFormSet
    fk_name = "source"
    extra = 1
    verbose_name = _("allowed next status")
    verbose_name_plural = _("allowed next statuses (the status matrix)")
    filter_horizontal = ["groups"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # As on the matrix page: inspectors read orders only, so a step only they may take is one nobody takes.
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.exclude(name=INSPECTOR).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StatusForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The inline formset below checks the next statuses as they will be saved, deletions included.
        self.instance.next_statuses_checked_by_form = True


# A status's code is the identifier orders store, not a word.
STATUS_CODE = code_column("code", _("code"))


@admin.register(Status)
class StatusAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    audit_related = {"transitions_out": "target__code"}

    form = StatusForm
    list_display = [
        "name",
        STATUS_CODE,
        "group",
        "position",
        "colour_swatch",
        "time_limit",
        "is_final",
        "call_on_entry",
    ]
    list_editable = ["position", "time_limit"]
    list_filter = ["group", "is_final", "call_on_entry"]
    inlines = [StatusTransitionInline]
    change_list_template = "admin/orders/status/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # Orders store the code: renaming it would orphan them.
        return ["code", STATUS_CODE] if obj else []

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name is not STATUS_CODE]
        return [STATUS_CODE if name == "code" and obj else name for name in fields]

    @admin.display(description=_("Colour"))
    def colour_swatch(self, status):
        return format_html(
            '<span style="background:{};padding:2px 12px;border-radius:4px">&nbsp;</span>', status.colour
        )

    def get_deleted_objects(self, objs, request):
        """A status orders are in cannot go: they store its code and would be left with no name and no next
        step. The delete page (one status or the bulk action) lists them as what stands in the way."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = Order.objects.filter(status__in=[status.code for status in objs]).order_by("pk")
        protected = [
            *protected,
            *(
                gettext("%(order)s (in %(status)s)") % {"order": order, "status": order.status}
                for order in in_use[:50]
            ),
        ]
        if in_use.count() > 50:
            more = in_use.count() - 50
            protected.append(
                ngettext("… and %(count)s more order", "… and %(count)s more orders", more) % {"count": more}
            )
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"time_limit", "is_final"} & set(form.changed_data):
            count = status_clocks_rederive(status=obj)
            if count:
                self.message_user(
                    request,
                    ngettext(
                        "The clock of %(count)s open order in %(status)s was counted again.",
                        "The clocks of %(count)s open orders in %(status)s were counted again.",
                        count,
                    )
                    % {"count": count, "status": obj.name},
                )

    def get_urls(self):
        view = self.admin_site.admin_view(self.matrix_view)
        return [path("matrix/", view, name="orders_status_matrix"), *super().get_urls()]

    def matrix_view(self, request):
        """The whole matrix on one page: a tick per allowed step, with the groups that may take it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        statuses = list(Status.objects.order_by("position", "pk"))
        groups = list(Group.objects.exclude(name=INSPECTOR).order_by("name"))  # inspectors read orders only
        if request.method == "POST":
            ticked = _ticked_steps(request.POST, statuses, groups)
            try:
                matrix_save(steps=ticked, by=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                self.message_user(request, gettext("The status matrix is saved."), messages.SUCCESS)
                return redirect("admin:orders_status_matrix")
        else:
            ticked = {
                (step.source_id, step.target_id): {group.pk for group in step.groups.all()}
                for step in StatusTransition.objects.prefetch_related("groups")
            }
            errors = []
        rows = [
            {
                "status": source,
                "cells": [
                    {
                        "target": target,
                        "key": f"{source.pk}-{target.pk}",
                        "allowed": (source.pk, target.pk) in ticked,
                        "groups": ticked.get((source.pk, target.pk), set()),
                        "possible": target.pk != source.pk and not source.is_final,
                    }
                    for target in statuses
                ],
            }
            for source in statuses
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Status matrix"),
            "opts": self.model._meta,
            "statuses": statuses,
            "groups": groups,
            "rows": rows,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/orders/status/matrix.html", context)


def _ticked_steps(post, statuses, groups) -> dict[tuple[int, int], set[int]]:
    """(from, to) → group ids, from the grid's checkboxes; only real statuses and groups are read."""
    status_ids = {status.pk for status in statuses}
    group_ids = {group.pk for group in groups}
    ticked = {}
    for key in post.getlist("step"):
        source_id, _, target_id = key.partition("-")
        if not (source_id.isdigit() and target_id.isdigit()):
            continue
        pair = (int(source_id), int(target_id))
        if set(pair) <= status_ids:
            chosen = {int(pk) for pk in post.getlist(f"groups-{key}") if pk.isdigit()}
            ticked[pair] = chosen & group_ids
    return ticked


@admin.register(PaymentRule)
class PaymentRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    """Prepayment steps: a step of the matrix an order takes only once enough is paid (checked in the one
    status-change path, so every page, the API, delivery rules and the shell wait for it alike)."""

    list_display = ["transition", "shop", "method", "share"]
    list_filter = ["shop", "method"]
    list_select_related = ["transition__source", "transition__target", "shop"]
    fields = ["transition", "shop", "method", "share"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "transition":
            kwargs["queryset"] = StatusTransition.objects.select_related("source", "target")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
