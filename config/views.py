from django.shortcuts import redirect

from core import roles


def home(request):
    """Send each role to where its work is."""
    user = request.user
    if roles.can_see_dashboard(user):
        return redirect("dashboard:dashboard")
    if roles.is_manager(user):
        return redirect("orders:list")
    if roles.is_inspector(user):
        return redirect("feedback:claims")
    return redirect("notifications:list")
