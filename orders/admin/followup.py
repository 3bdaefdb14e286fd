"""Tasks, the no-answer ladder and the call scripts."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orders.admin.audit import AuditedAdmin
from orders.admin.durations import HumanDurationsAdmin
from orders.admin.people import PeopleByName
from orders.models import CallScript, NoAnswerStep, Task
from orders.services import ladder_renumber


@admin.register(Task)
class TaskAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["text", "kind", "assignee", "due_at", "done_at", "order", "customer"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["assignee", "order", "customer"]
    search_fields = ["text", "order__number", "customer__name", "assignee__username"]
    raw_id_fields = ["order", "customer", "assignee", "created_by", "done_by"]
    readonly_fields = ["reminded_at", "created_at"]


@admin.register(NoAnswerStep)
class NoAnswerStepAdmin(AuditedAdmin, HumanDurationsAdmin, admin.ModelAdmin):
    """The ladders, one per outcome (no answer, busy, unreachable): one row per miss (1, 2, 3… with no gap in
    each); a miss after the last row gives up on the customer. Deleting a step, or moving it to another outcome's
    ladder, moves the later ones up."""

    list_display = ["outcome", "miss", "retry_after"]
    list_editable = ["retry_after"]
    list_filter = ["outcome"]
    ordering = ["outcome", "miss"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ladder_renumber()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        ladder_renumber()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        ladder_renumber()


@admin.register(CallScript)
class CallScriptAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["shop"]
    list_select_related = ["shop"]
    fieldsets = [
        (
            None,
            {
                "fields": ["shop"],
                "description": _(
                    "Write {{ customer.name }}, {{ manager.name }} and {{ shop.name }} where the names go (the "
                    "syntax of message templates); a script that does not render is refused."
                ),
            },
        ),
        (_("Script"), {"fields": list(CallScript.SECTIONS)}),
    ]
