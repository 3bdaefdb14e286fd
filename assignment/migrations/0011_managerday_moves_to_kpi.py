"""The daily KPI rollups belong to the `kpi` app now (kpi 0001 takes them into its state): `assignment` forgets
the model and leaves the table and its rows where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assignment", "0010_kpi_rollup_rules_edition"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ManagerDay")],
            database_operations=[],
        ),
    ]
