"""The desk's pages and actions about phone calls: under /calls/."""

from django.urls import path

from calls.views import place, recordings
from calls.views.cards import card_view
from calls.views.stream import stream_view

app_name = "calls"
urlpatterns: list = [
    path("stream/", stream_view, name="stream"),
    path("<int:pk>/card/", card_view, name="card"),
    path("place/", place.call_place_view, name="place"),
    path("<int:pk>/recording/", recordings.recording_view, name="recording"),
    path("<int:pk>/voicemail/", recordings.voicemail_view, name="voicemail"),
]
