"""The data migration that moves shops' feedback texts from "{signer} {links}" to Django template syntax: the
placeholders change, the words around them (and str.format's doubled braces, which meant one) read as before,
and the result passes the same check the admin applies."""

import importlib

import pytest
from django.apps import apps

from feedback.models import ShopFeedback

pytestmark = pytest.mark.django_db
migration = importlib.import_module("feedback.migrations.0004_feedback_texts_in_template_syntax")
labels = importlib.import_module("feedback.migrations.0005_i18n_labels")


def test_old_placeholders_become_template_variables_and_the_text_still_renders(shop):
    ShopFeedback.objects.filter(shop=shop).update(
        email_text="Hi!\n{links}\nSmiles {{:-)}} from\n{signer}",
        whatsapp_text="How was it? {signer}",
        email_subject="A word {from} us",
    )
    migration.forwards(apps, None)
    config = ShopFeedback.objects.get(shop=shop)
    assert config.email_text == "Hi!\n{{ links }}\nSmiles {:-)} from\n{{ signer }}"
    assert config.whatsapp_text == "How was it? {{ signer }}"
    assert config.email_subject == "A word {from} us"  # never formatted: its braces were always plain text
    config.full_clean()


def test_the_migration_goes_back_to_the_old_placeholders(shop):
    ShopFeedback.objects.filter(shop=shop).update(**labels.SHIPPED)  # the texts as they were before 0005
    migration.backwards(apps, None)
    config = ShopFeedback.objects.get(shop=shop)
    assert "{links}" in config.email_text and config.whatsapp_text.endswith("{signer}")


def test_the_untouched_default_email_no_longer_promises_one_click(shop):
    old = (
        "Hello!\n\nHow do you like your purchase? One click is enough, 5 is excellent:\n\n{links}\n\n"
        "Thank you,\n{signer}"
    )
    ShopFeedback.objects.filter(shop=shop).update(email_text=old)
    migration.forwards(apps, None)
    assert ShopFeedback.objects.get(shop=shop).email_text == old.replace(
        migration.ONE_CLICK, migration.PICK
    ).replace("{links}", "{{ links }}").replace("{signer}", "{{ signer }}")


def test_a_shop_that_kept_the_english_texts_reads_the_desks_own_and_a_written_text_stays(shop):
    ShopFeedback.objects.filter(shop=shop).update(**labels.SHIPPED | {"email_subject": "Our own subject"})
    labels.forwards(apps, None)
    config = ShopFeedback.objects.get(shop=shop)
    assert (config.whatsapp_text, config.email_text, config.email_subject) == ("", "", "Our own subject")
