"""The desk's URLs with the record helper's voice:recording webhook standing in (issue 26 builds it on another
branch): the TwiML names its address; these tests never call it."""

from django.http import HttpResponse
from django.urls import include, path

from calls import webhook_urls
from config import urls as desk

recording = ([*webhook_urls.urlpatterns, path("recording/", HttpResponse, name="recording")], "voice")
urlpatterns = [
    path("webhooks/twilio/voice/", include(recording)) if getattr(line, "pattern", None) and str(
        line.pattern) == "webhooks/twilio/voice/" else line
    for line in desk.urlpatterns
]  # fmt: skip
