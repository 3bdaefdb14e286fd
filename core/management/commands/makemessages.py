"""Django's makemessages, also finding the plural message ids phrases mark with `core.phrases.plural_noop`."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=plural_noop:1,2"]
