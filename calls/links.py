"""The desk's public addresses Twilio calls back (SITE_URL + path: what Twilio signs). A row's id in the query is
signed with the rest, so a callback finds its call and cannot be pointed at another."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def voice_url(name: str, **query: int | str) -> str:
    """The absolute address of the voice webhook `voice:<name>`, with `query` (e.g. call=12, kind="voicemail")."""
    url = settings.SITE_URL + reverse(f"voice:{name}")
    return f"{url}?{urlencode(query)}" if query else url
