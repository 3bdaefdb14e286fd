# The history's columns indexed once they are filled (faster than keeping the indexes up while filling).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0024_order_event_details_into_columns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("status_to__isnull", False)),
                fields=["status_to", "created_at"],
                name="orderevent_status_to_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("manager_to__isnull", False)), fields=["manager_to"], name="orderevent_to_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("manager_from__isnull", False)),
                fields=["manager_from"],
                name="orderevent_from_idx",
            ),
        ),
    ]
