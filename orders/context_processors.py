from core import roles


def staff_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_manager": roles.is_manager(user),
        "is_supervisor": roles.is_supervisor(user),
        "is_inspector": roles.is_inspector(user),
        "can_work_orders": roles.can_work_orders(user),
        "can_see_dashboard": roles.can_see_dashboard(user),
        "can_read_kpis": roles.can_read_kpis(user),
        "can_read_claims": roles.can_read_claims(user),
        "can_use_inbox": roles.can_use_inbox(user),
    }
