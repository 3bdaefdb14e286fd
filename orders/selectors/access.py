"""Who may see what: the one scope filter every list, page, export and the API go through, and the staff who
cover a shop."""

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404

from orders.models import AccessGrant, Order, Shop
from orders.roles import INSPECTOR, MANAGER, SUPERVISOR, is_admin, user_roles


def _grant(user: User) -> AccessGrant | None:
    """The user's grant with its shops, read once per request."""
    kept: dict[str, AccessGrant | None] = vars(user)  # on the user object: it lives as long as the request
    if "_orderdesk_grant" not in kept:
        kept["_orderdesk_grant"] = AccessGrant.objects.filter(user=user).prefetch_related("shops").first()
    return kept["_orderdesk_grant"]


def shop_ids_granted(user: User) -> list[int] | None:
    """The shops the user's grant lists; None when it restricts no shop (all shops, or no grant at all)."""
    grant = _grant(user)
    return None if grant is None or grant.all_shops else [shop.pk for shop in grant.shops.all()]


def order_scope(user: User) -> QuerySet[Order]:
    """Every order the user may see. The one gate for lists, pages, exports and the API. Every role is held to
    its grant (shops, order types, methods, regions: each all, or the ones listed; none listed sees none); a
    manager also sees the orders they hold. Superusers, and staff with no role (admins who configure), see
    everything; so does staff with no grant at all."""
    orders = Order.objects.all()
    roles = user_roles(user)
    if user.is_superuser or (is_admin(user) and not roles):
        return orders
    if not roles:
        return orders.none()
    grant = _grant(user)
    if grant is None:
        return orders
    granted, listed = Q(), grant.granted()
    for field, key in (
        ("shop_id", "shop_ids"),
        ("order_type", "order_types"),
        ("method", "methods"),
        ("region", "regions"),
    ):
        if listed[key] is not None:  # an empty list matches no order
            granted &= Q(**{f"{field}__in": listed[key]})
    if not granted:  # all of everything: every order
        return orders
    return orders.filter(granted | Q(manager=user)) if MANAGER in roles else orders.filter(granted)


def shop_scope(user: User) -> QuerySet[Shop]:
    shop_ids = None if user.is_superuser else shop_ids_granted(user)
    return Shop.objects.all() if shop_ids is None else Shop.objects.filter(pk__in=shop_ids)


def _covering(shops: Q) -> Q:
    """Staff whose grant covers these shops (`shops` on the grant's shops): all shops, or no grant at all."""
    return Q(access_grant__isnull=True) | Q(access_grant__all_shops=True) | shops


def order_get_for_user(*, user: User, pk: int) -> Order:
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


def staff_covering_shop(*, shop_id: int, roles: tuple[str, ...]) -> QuerySet[User]:
    """Members of these roles who cover the shop: granted it, or all shops, or with no grant at all."""
    users = User.objects.filter(is_active=True, groups__name__in=roles)
    covering = users.filter(_covering(Q(access_grant__shops=shop_id)))
    return covering.distinct().order_by("first_name", "last_name", "username")


def supervisors_covering_shop(*, shop_id: int) -> QuerySet[User]:
    return staff_covering_shop(shop_id=shop_id, roles=(SUPERVISOR,))


def inspectors_covering_shop(*, shop_id: int) -> QuerySet[User]:
    return staff_covering_shop(shop_id=shop_id, roles=(INSPECTOR,))


def managers_covering_shop(*, shop_id: int) -> QuerySet[User]:
    return staff_covering_shop(shop_id=shop_id, roles=(MANAGER,))


def colleagues_covering_shop(*, shop_id: int) -> QuerySet[User]:
    """Whom a task about this shop's customer can be given to."""
    return staff_covering_shop(shop_id=shop_id, roles=(MANAGER, SUPERVISOR))


def managers_covering_user_shops(user: User) -> QuerySet[User]:
    """The managers a supervisor can hand orders to: those covering any shop the supervisor sees."""
    users = User.objects.filter(is_active=True, groups__name=MANAGER)
    shops = shop_scope(user)
    covering = users.filter(_covering(Q(access_grant__shops__in=shops)))
    return covering.distinct().order_by("first_name", "last_name", "username")
