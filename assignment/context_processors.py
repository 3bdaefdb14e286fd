from assignment.models import ManagerProfile, Presence
from core import roles


def presence(request):
    """The navbar's presence switch, for managers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.has_presence(user):
        return {}
    current, auto_dial = ManagerProfile.objects.filter(user=user).values_list("presence", "auto_dial").first() or (
        Presence.OFFLINE,
        False,
    )
    return {"presence": Presence(current), "presence_choices": Presence, "auto_dial": auto_dial}
