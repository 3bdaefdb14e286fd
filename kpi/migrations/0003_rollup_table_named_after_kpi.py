"""The rollup table takes the kpi app's name (kpi_managerday): a rename, its rows, indexes and constraint kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0002_nightly_rollup_runs_from_kpi"),
    ]

    operations = [
        migrations.AlterModelTable(name="managerday", table=None),
    ]
