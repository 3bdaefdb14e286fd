from datetime import timedelta

from django.db import migrations

ROLES = ["Manager", "Supervisor", "Inspector"]

# code, name, group, position, colour, time limit, final
STATUSES = [
    # Seed 002: 71% of customers expect a call back within 5 minutes.
    ("new", "New", "new", 10, "#0d6efd", timedelta(minutes=5), False),
    ("approval", "Approval", "approval", 20, "#6f42c1", timedelta(hours=1), False),
    ("assembly", "Assembly", "assembly", 30, "#fd7e14", timedelta(hours=4), False),
    ("delivery", "Delivery", "delivery", 40, "#0dcaf0", timedelta(days=3), False),
    # Pick-up points keep a parcel for a few days: the clock nudges the customer before it goes back.
    ("pickup", "At pick-up point", "delivery", 50, "#20c997", timedelta(days=3), False),
    ("complete", "Complete", "complete", 60, "#198754", None, True),
    ("cancelled", "Cancelled", "cancel", 70, "#dc3545", None, True),
]

MATRIX = [
    ("new", "approval"),
    ("approval", "assembly"),
    ("assembly", "delivery"),
    ("delivery", "pickup"),
    ("delivery", "complete"),
    ("pickup", "complete"),
] + [(code, "cancelled") for code in ("new", "approval", "assembly", "delivery", "pickup")]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Status = apps.get_model("orders", "Status")
    StatusTransition = apps.get_model("orders", "StatusTransition")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    by_code = {}
    for code, name, group, position, colour, limit, final in STATUSES:
        by_code[code], _ = Status.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, group=group, position=position, colour=colour, time_limit=limit, is_final=final
            ),
        )
    for source, target in MATRIX:
        StatusTransition.objects.get_or_create(source=by_code[source], target=by_code[target])


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
