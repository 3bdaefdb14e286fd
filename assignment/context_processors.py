from assignment.models import ManagerProfile, Presence
from core import roles


def presence(request):
    """The navbar's presence switch, for managers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.has_presence(user):
        return {}
    current = ManagerProfile.objects.filter(user=user).values_list("presence", flat=True).first()
    return {"presence": Presence(current or Presence.OFFLINE), "presence_choices": Presence}
