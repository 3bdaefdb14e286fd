"""Twilio Voice's webhooks (signed, POST only; each answers TwiML): under /webhooks/twilio/voice/."""

from django.urls import path

from calls import webhooks

app_name = "voice"
urlpatterns: list = [
    # "" incoming calls, "dial/" a <Dial>'s end (ring the next manager or take a voicemail), "status/" a call
    # out's status callbacks, "recording/" a recording's (talk or voicemail) status callback.
    path("", webhooks.voice_incoming, name="incoming"),
    path("dial/", webhooks.voice_dial, name="dial"),
    path("recording/", webhooks.recording, name="recording"),
    path("status/", webhooks.voice_status, name="status"),
]
