from core import roles


def staff_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_supervisor": roles.is_supervisor(user),
        "is_manager": roles.is_manager(user),
        "can_work_orders": roles.can_work_orders(user),
        "is_inspector": roles.is_inspector(user),
        "can_see_claims": roles.is_inspector(user) or roles.is_supervisor(user) or roles.is_admin(user),
    }
