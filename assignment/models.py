from django.conf import settings
from django.db import models


class Presence(models.TextChoices):
    FREE = "free", "Free"
    BUSY = "busy", "Busy"
    LUNCH = "lunch", "Lunch"
    BREAK = "break", "Break"
    OFFLINE = "offline", "Offline"


class ManagerProfile(models.Model):
    """A manager's place in routing: presence, quota override and experience."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_profile")
    presence = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    presence_since = models.DateTimeField(auto_now_add=True)
    quota_override = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most open orders this manager holds at once; empty = the desk default."
    )
    experience = models.PositiveSmallIntegerField(default=0, help_text="Higher gets VIP customers first.")

    class Meta:
        indexes = [models.Index(fields=["presence"], name="profile_presence_idx")]

    def __str__(self):
        return f"{self.user} ({self.get_presence_display()})"


class PresenceChange(models.Model):
    """History of a manager's presence: one row per switch."""

    profile = models.ForeignKey(ManagerProfile, on_delete=models.CASCADE, related_name="presence_changes")
    presence = models.CharField(max_length=8, choices=Presence.choices)
    previous = models.CharField(max_length=8, choices=Presence.choices)
    reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["profile", "-created_at"], name="presence_history_idx")]

    def __str__(self):
        return f"{self.profile.user}: {self.previous} → {self.presence}"
