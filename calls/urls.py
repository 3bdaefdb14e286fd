"""The desk's pages and actions about phone calls: under /calls/."""

from django.urls import path

from calls.views import place, recordings

app_name = "calls"
urlpatterns: list = [
    # "stream/" the push channel (SSE), "<pk>/card/" a caller's card, "place/" click-to-call (POST),
    # "<pk>/recording/" and "<pk>/voicemail/" a recording streamed from Twilio through the desk.
    path("<int:pk>/recording/", recordings.recording_view, name="recording"),
    path("<int:pk>/voicemail/", recordings.voicemail_view, name="voicemail"),
    path("place/", place.call_place_view, name="place"),
]
