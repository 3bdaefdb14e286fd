"""Every page of the desk has an access rule someone chose: a role predicate through `core.http.role_required`,
or it is said here to be for anyone signed in (what it shows is narrowed by the person's scope) or public (the
storefront's key, Twilio's signature, a customer's signed link). A new view with no rule fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from core import roles
from tests.factories import UserFactory

SIGNED_IN = "anyone signed in"
PUBLIC = "public"

RULES = {
    "home": SIGNED_IN,
    "login": PUBLIC,
    "logout": SIGNED_IN,
    "healthz": PUBLIC,
    "favicon.ico": PUBLIC,
    "api_order_intake": PUBLIC,
    "api_order_payment": PUBLIC,
    "api_order_delivery": PUBLIC,
    "api_order_status": PUBLIC,
    "api_openapi": PUBLIC,
    "api_not_found": PUBLIC,
    "accounts:settings": SIGNED_IN,
    "accounts:enrol": SIGNED_IN,
    "accounts:verify": SIGNED_IN,
    "accounts:backup_codes": SIGNED_IN,
    "accounts:language": SIGNED_IN,
    "orders:list": SIGNED_IN,
    "orders:detail": SIGNED_IN,
    "orders:customer": SIGNED_IN,
    "orders:next": SIGNED_IN,
    "orders:new": roles.can_work_orders,
    "orders:new_customer": roles.can_work_orders,
    "orders:customer_edit": roles.can_work_orders,
    "orders:status": roles.can_work_orders,
    "orders:edit": roles.can_work_orders,
    "orders:note": roles.can_work_orders,
    "orders:call": roles.can_work_orders,
    "orders:task_create": roles.can_work_orders,
    "orders:task_done": roles.can_work_orders,
    "orders:customer_manager": roles.can_choose_customer_manager,
    "orders:reassign": roles.can_reassign,
    "orders:bulk_reassign": roles.can_reassign,
    "dashboard:dashboard": roles.can_see_dashboard,
    "inbox:list": roles.can_use_inbox,
    "inbox:detail": roles.can_read_conversations,
    "inbox:reply": roles.can_answer_conversations,
    "inbox:read": roles.can_answer_conversations,
    "inbox:close": roles.can_close_conversations,
    "inbox:reassign": roles.can_reassign_conversations,
    "assignment:presence": roles.has_presence,
    "assignment:auto_dial": roles.has_presence,
    "calls:place": roles.can_place_calls,
    "voice:status": PUBLIC,
    "assignment:take": roles.can_take_from_queue,
    "assignment:take_conversation": roles.can_take_from_queue,
    "kpi:kpi": roles.can_read_kpis,
    "kpi:kpi_csv": roles.can_read_kpis,
    "kpi:kpi_orders": roles.can_read_kpis,
    "kpi:kpi_conversations": roles.can_read_kpis,
    "kpi:kpi_calls": roles.can_read_kpis,
    "notifications:list": SIGNED_IN,
    "notifications:open": SIGNED_IN,
    "notifications:read_all": SIGNED_IN,
    "notifications:unread_count": SIGNED_IN,
    "notifications:order_message": roles.can_work_orders,
    "notifications:order_payment_link": roles.can_work_orders,
    "webhooks:twilio_status": PUBLIC,
    "webhooks:twilio_inbound": PUBLIC,
    "email_webhooks:mailgun_inbound": PUBLIC,
    "email_webhooks:postmark_inbound": PUBLIC,
    "email_webhooks:sendgrid_inbound": PUBLIC,
    "notifications:attachment": SIGNED_IN,
    # A person's own pushes only; the card: the manager the call rang, or a supervisor covering the shop.
    "calls:stream": SIGNED_IN,
    "calls:card": roles.can_work_orders,
    "feedback:claims": roles.can_read_claims,
    "feedback:claim": roles.can_read_claims,
    "feedback:replies": roles.can_read_claims,
    "feedback:claim_step": roles.can_work_claims,
    "feedback:claim_note": roles.can_work_claims,
    "feedback:claim_message": roles.can_work_claims,
    "feedback:reply_rate": roles.can_work_claims,
    "feedback:rate": PUBLIC,
    "feedback:rate_answer": PUBLIC,
    "feedback:thanks": PUBLIC,
    "calls:recording": roles.can_hear_calls,
    "calls:voicemail": roles.can_hear_calls,
    "voice:recording": PUBLIC,
    "voice:incoming": PUBLIC,
    "voice:dial": PUBLIC,
}
ROLE_GUARDED = sorted(name for name, rule in RULES.items() if callable(rule))


def _views(resolver: URLResolver, namespace: str = ""):
    """(name, view) for every URL of the desk; Django's admin checks staff itself and is left out."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _views(entry, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.pattern}", entry.callback


def _rule_of(view):
    if getattr(view, "login_required", True) is False:
        return PUBLIC
    return getattr(view, "access_rule", SIGNED_IN)


def test_every_view_of_the_desk_has_the_access_rule_listed_here():
    found = {name: _rule_of(view) for name, view in _views(get_resolver())}
    assert found.keys() == RULES.keys(), "a view was added or removed: give it a rule and list it in RULES"
    wrong = {name: rule for name, rule in found.items() if rule != RULES[name]}
    assert not wrong, f"views whose access rule is not the one listed: {wrong}"


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, args=[1])  # the rule is checked before the order, claim or task is looked up


@pytest.mark.django_db
@pytest.mark.parametrize("name", ROLE_GUARDED)
def test_a_signed_in_person_with_no_role_is_refused_every_role_guarded_page_with_a_reason(client, name):
    client.force_login(UserFactory(username="nobody"))
    response = client.post(_url(name))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    assert "You do not have access to this page." not in page  # the rule's own reason is shown
