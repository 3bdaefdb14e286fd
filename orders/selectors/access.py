"""Who may see what: the one scope filter every list, page, export and the API go through, and the staff who
cover a shop."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from orders.models import AccessGrant, Order, Shop
from orders.roles import INSPECTOR, MANAGER, SUPERVISOR, is_admin, user_roles


def _grant(user) -> AccessGrant | None:
    """The user's grant with its shops, read once per request."""
    if not hasattr(user, "_orderdesk_grant"):
        user._orderdesk_grant = AccessGrant.objects.filter(user=user).prefetch_related("shops").first()
    return user._orderdesk_grant


def shop_ids_granted(user) -> list[int]:
    grant = _grant(user)
    return [shop.pk for shop in grant.shops.all()] if grant else []


def order_scope(user) -> QuerySet[Order]:
    """Every order the user may see. The one gate for lists, pages, exports and the API. Every role is held to
    its grant (shops, order types, methods, regions; empty means all); a manager also sees the orders they
    hold. Superusers, and staff with no role (admins who configure), see everything."""
    orders = Order.objects.all()
    roles = user_roles(user)
    if user.is_superuser or (is_admin(user) and not roles):
        return orders
    if not roles:
        return orders.none()
    grant = _grant(user)
    shop_ids = shop_ids_granted(user)
    granted = Q(shop_id__in=shop_ids) if shop_ids else Q()
    if grant is not None:
        for field, values in (("order_type", grant.order_types), ("method", grant.methods)):
            if values:
                granted &= Q(**{f"{field}__in": values})
        if grant.regions:
            granted &= Q(region__in=grant.regions)
    if not granted:  # nothing restricted: every order
        return orders
    return orders.filter(granted | Q(manager=user)) if MANAGER in roles else orders.filter(granted)


def shop_scope(user) -> QuerySet[Shop]:
    shop_ids = [] if user.is_superuser else shop_ids_granted(user)
    return Shop.objects.filter(pk__in=shop_ids) if shop_ids else Shop.objects.all()


def order_get_for_user(*, user, pk: int) -> Order:
    """One order the user may see, with what its page needs; 404 for anyone outside the scope."""
    try:
        return (
            order_scope(user)
            .select_related("shop", "customer", "manager", "customer__responsible_manager")
            .prefetch_related("items")
            .get(pk=pk)
        )
    except Order.DoesNotExist as exc:
        raise Http404("No such order") from exc


def staff_covering_shop(*, shop_id: int, roles: tuple[str, ...]):
    """Members of these roles who cover the shop: granted it, or granted no shop restriction at all."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    covering = users.filter(Q(access_grant__shops=shop_id) | Q(access_grant__shops__isnull=True))
    return covering.distinct().order_by("first_name", "last_name", "username")


def supervisors_covering_shop(*, shop_id: int):
    return staff_covering_shop(shop_id=shop_id, roles=(SUPERVISOR,))


def inspectors_covering_shop(*, shop_id: int):
    return staff_covering_shop(shop_id=shop_id, roles=(INSPECTOR,))


def managers_covering_shop(*, shop_id: int):
    return staff_covering_shop(shop_id=shop_id, roles=(MANAGER,))


def colleagues_covering_shop(*, shop_id: int):
    """Whom a task about this shop's customer can be given to."""
    return staff_covering_shop(shop_id=shop_id, roles=(MANAGER, SUPERVISOR))


def managers_covering_user_shops(user):
    """The managers a supervisor can hand orders to: those covering any shop the supervisor sees."""
    users = get_user_model().objects.filter(is_active=True, groups__name=MANAGER)
    shops = shop_scope(user)
    covering = users.filter(Q(access_grant__shops__in=shops) | Q(access_grant__shops__isnull=True))
    return covering.distinct().order_by("first_name", "last_name", "username")
