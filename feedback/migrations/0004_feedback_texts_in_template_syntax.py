"""The shops' feedback texts move from Python's "{signer} {links}" placeholders to Django template syntax
("{{ signer }} {{ links }}"), as message templates write them; the text around them stays as it was, except the
untouched default email, which no longer promises that one click is enough (a link now opens the rating page)."""

from string import Formatter

from django.db import migrations

# The subject was never formatted: its braces were always plain text.
FIELDS = ("email_text", "whatsapp_text")


def to_template_syntax(text: str) -> str:
    try:
        parts = list(Formatter().parse(text))
    except ValueError:  # never rendered as it is: only the placeholders the desk knows are replaced
        return text.replace("{signer}", "{{ signer }}").replace("{links}", "{{ links }}")
    # parse() also undoes "{{" and "}}" (str.format's literal braces) in the text around the placeholders.
    return "".join(literal + (f"{{{{ {field} }}}}" if field is not None else "") for literal, field, _, _ in parts)


ONE_CLICK = "How do you like your purchase? One click is enough, 5 is excellent:"
PICK = "How do you like your purchase? Just pick a number, 5 is excellent:"
OLD_DEFAULT = f"Hello!\n\n{ONE_CLICK}\n\n{{{{ links }}}}\n\nThank you,\n{{{{ signer }}}}"


def to_format_syntax(text: str) -> str:
    return text.replace("{{ signer }}", "{signer}").replace("{{ links }}", "{links}")


def _convert(apps, convert):
    ShopFeedback = apps.get_model("feedback", "ShopFeedback")
    for config in ShopFeedback.objects.all():
        for field in FIELDS:
            setattr(config, field, convert(getattr(config, field)))
        config.save(update_fields=FIELDS)


def _new_default(text: str) -> str:
    text = to_template_syntax(text)
    return text.replace(ONE_CLICK, PICK) if text == OLD_DEFAULT else text


def forwards(apps, schema_editor):
    _convert(apps, _new_default)


def backwards(apps, schema_editor):
    _convert(apps, to_format_syntax)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_signer_address_and_template_texts")]

    operations = [migrations.RunPython(forwards, backwards)]
