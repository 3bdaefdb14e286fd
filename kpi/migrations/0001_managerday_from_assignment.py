"""The daily KPI rollups, taken over from `assignment` (its 0006–0010 made the table): the model enters this
app's state on the table that already holds the rows; nothing is created. Its content type moves along, so
permissions given on it stay given."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_kpi(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="assignment", model="managerday").update(app_label="kpi")


def content_type_to_assignment(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="kpi", model="managerday").update(app_label="assignment")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assignment", "0010_kpi_rollup_rules_edition"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ManagerDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("taken", models.PositiveIntegerField(default=0)),
                        ("completed", models.PositiveIntegerField(default=0)),
                        ("cancelled", models.PositiveIntegerField(default=0)),
                        ("overdue", models.PositiveIntegerField(default=0)),
                        ("timeouts", models.PositiveIntegerField(default=0)),
                        ("calls", models.PositiveIntegerField(default=0)),
                        ("reached", models.PositiveIntegerField(default=0)),
                        ("tasks_done", models.PositiveIntegerField(default=0)),
                        ("tasks_on_time", models.PositiveIntegerField(default=0)),
                        (
                            "ratings",
                            models.JSONField(
                                blank=True, default=list, help_text="How many 1s … 5s were credited."
                            ),
                        ),
                        ("claims_opened", models.PositiveIntegerField(default=0)),
                        ("claims_resolved", models.PositiveIntegerField(default=0)),
                        ("first_touch", models.JSONField(blank=True, default=dict)),
                        ("status_time", models.JSONField(blank=True, default=dict)),
                        ("rules", models.PositiveSmallIntegerField(default=1)),
                        ("computed_at", models.DateTimeField(auto_now=True)),
                        (
                            "manager",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="kpi_days",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assignment_managerday",
                        "indexes": [models.Index(fields=["day", "manager"], name="managerday_day_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("manager", "day"), name="managerday_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_kpi, content_type_to_assignment, elidable=True),
    ]
