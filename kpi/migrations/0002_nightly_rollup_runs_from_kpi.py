"""The nightly rollup's q2 schedule, made by `sync_schedules` when it lived in `assignment`, runs the task at its
new address (and under its new name, so the next `sync_schedules` finds it rather than add a second)."""

from django.db import migrations

OLD = ("assignment: roll up yesterday's KPIs (and days late data changed)", "assignment.tasks.roll_up_kpis")
NEW = ("kpi: roll up yesterday's KPIs (and days late data changed)", "kpi.tasks.roll_up_kpis")


def move(apps, schema_editor, before, after):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func=before[1]).update(name=after[0], func=after[1])


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0001_managerday_from_assignment"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: move(apps, editor, OLD, NEW),
            lambda apps, editor: move(apps, editor, NEW, OLD),
            elidable=True,
        ),
    ]
