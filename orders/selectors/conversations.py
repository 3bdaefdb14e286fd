"""Who may see which conversations (as `order_scope` says for orders), and one conversation with what its page
needs."""

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404

from core.roles import MANAGER, is_admin, user_roles
from orders.models import Conversation, ConversationEvent
from orders.selectors.access import shop_ids_granted


def conversation_scope(user: User) -> QuerySet[Conversation]:
    """Every conversation the user may see: those of the shops their grant gives (a grant listing no shop gives
    none); a manager also sees the ones they hold. Superusers, staff with no role (admins who configure) and
    staff with no grant at all see every one."""
    conversations = Conversation.objects.all()
    roles = user_roles(user)
    if user.is_superuser or (is_admin(user) and not roles):
        return conversations
    if not roles:
        return conversations.none()
    shop_ids = shop_ids_granted(user)
    if shop_ids is None:
        return conversations
    granted = Q(shop_id__in=shop_ids)
    return conversations.filter(granted | Q(manager=user)) if MANAGER in roles else conversations.filter(granted)


def conversation_get_for_user(*, user: User, pk: int) -> Conversation:
    """One conversation the user may see, with its customer, shop, manager and order; 404 for anyone outside the
    scope (a manager of another shop learns nothing of it)."""
    try:
        return (
            conversation_scope(user)
            .select_related("shop", "customer", "customer__responsible_manager", "manager", "order", "closed_by")
            .get(pk=pk)
        )
    except Conversation.DoesNotExist as exc:
        raise Http404("No such conversation") from exc


def conversation_history(*, conversation: Conversation) -> QuerySet[ConversationEvent]:
    """The conversation's history lines, newest first, with who wrote each."""
    return conversation.events.select_related("actor").order_by("-created_at", "-pk")
