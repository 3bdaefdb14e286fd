from datetime import timedelta

from django.db import migrations

# Seed 001: no answer → call again in 5 minutes, 30 minutes, 3 hours, a day; the fifth miss gives up.
LADDER = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=3), timedelta(days=1)]


def create(apps, schema_editor):
    NoAnswerStep = apps.get_model("orders", "NoAnswerStep")
    for miss, retry_after in enumerate(LADDER, start=1):
        NoAnswerStep.objects.get_or_create(miss=miss, defaults={"retry_after": retry_after})


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_tasks_calls_and_scripts")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
