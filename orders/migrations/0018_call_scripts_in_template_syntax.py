"""Call scripts move to the template syntax of message templates: {customer} becomes {{ customer.name }},
{manager} {{ manager.name }}, {shop} {{ shop.name }}; other braces are left as they were."""

import re

from django.db import migrations

SECTIONS = ("greeting", "reason", "questions", "terms", "objections")
# Only an old placeholder standing on its own: "{{ customer.name }}" is not touched again.
OLD = re.compile(r"(?<!\{)\{(customer|manager|shop)\}(?!\})")
NEW = re.compile(r"\{\{ (customer|manager|shop)\.name \}\}")


def _convert(apps, pattern, replacement):
    CallScript = apps.get_model("orders", "CallScript")
    for script in CallScript.objects.all():
        for field in SECTIONS:
            setattr(script, field, pattern.sub(replacement, getattr(script, field)))
        script.save(update_fields=list(SECTIONS))


def forwards(apps, schema_editor):
    _convert(apps, OLD, r"{{ \1.name }}")


def backwards(apps, schema_editor):
    _convert(apps, NEW, r"{\1}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0017_priority_puts_final_orders_last")]

    operations = [migrations.RunPython(forwards, backwards)]
