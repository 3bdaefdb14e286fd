#!/usr/bin/env bash
# Refresh locale/ru/LC_MESSAGES/django.po from the code and templates (keeps what is translated), then compile.
# New or changed strings come out untranslated (or fuzzy); tests/core/test_translations.py fails until each is
# translated.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l ru --no-obsolete -i ".venv/*" -i "tests/*" -i "scripts/*" -i "build/*" -v0
.venv/bin/python manage.py compilemessages --ignore=.venv -v0
