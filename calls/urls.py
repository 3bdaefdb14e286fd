"""The desk's pages and actions about phone calls: under /calls/."""

from django.urls import path

from calls.views.cards import card_view
from calls.views.stream import stream_view

app_name = "calls"
urlpatterns: list = [
    # "place/" click-to-call (POST), "<pk>/recording/" and "<pk>/voicemail/" a recording streamed from Twilio
    # through the desk.
    path("stream/", stream_view, name="stream"),
    path("<int:pk>/card/", card_view, name="card"),
]
