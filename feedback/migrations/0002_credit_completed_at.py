from django.db import migrations, models
from django.db.models import F


def from_rated_at(apps, schema_editor):
    apps.get_model("feedback", "RatingCredit").objects.update(completed_at=F("rated_at"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_feedback_and_claims")]

    operations = [
        migrations.AddField(model_name="ratingcredit", name="completed_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(from_rated_at, migrations.RunPython.noop),
        migrations.AlterField(model_name="ratingcredit", name="completed_at", field=models.DateTimeField()),
        migrations.AddIndex(
            model_name="ratingcredit",
            index=models.Index(fields=["completed_at"], name="credit_completed_idx"),
        ),
    ]
