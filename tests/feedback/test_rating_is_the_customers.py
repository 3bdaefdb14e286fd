"""A rating comes only from the customer (or an inspector's reading of a reply, through `order_record_rating`):
no staff form, in admin or on the desk, sets or changes it, whatever it is sent. Each form is posted exactly as
its page shows it, plus rating=1."""

from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from feedback.models import FeedbackRequest, RatingCredit
from feedback.services import rating_receive
from orders.models import Order
from tests.factories import UserFactory, grant, supervisor
from tests.feedback.conftest import NOON

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The forms of a page, each as (action, the data a browser would send with its first submit button)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        data = self.forms[-1][1] if self.forms else {}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and attrs.get("name") and self.forms:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "submit":
                data.setdefault(attrs["name"], attrs.get("value", ""))
            elif kind not in ("file", "button", "reset"):
                data[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and self.forms:
            self._select = attrs.get("name")
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in data):
            data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and self.forms:
            self._textarea = attrs.get("name")
            data[self._textarea] = ""
        elif tag == "button" and attrs.get("name") and self.forms:
            data.setdefault(attrs["name"], attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += text


def forms_of(html: str) -> list[tuple[str, dict]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def rated(asked):
    """The customer rated the order 4."""
    with time_machine.travel(NOON, tick=False):
        rating_receive(request=asked, rating=4, source="whatsapp", text="4")
    return Order.objects.get(pk=asked.order_id)


def rating_untouched(order):
    order.refresh_from_db()
    assert order.rating == 4
    assert order.events.filter(kind="rating").count() == 1
    assert FeedbackRequest.objects.get(order=order).rating == 4
    assert set(RatingCredit.objects.values_list("rating", flat=True)) == {4}


def post_every_form(client, url):
    """Post each form the page shows, as shown, with rating=1 added; the statuses the desk answered."""
    page = client.get(url)
    assert page.status_code == 200
    forms = [(action, data) for action, data in forms_of(page.content.decode()) if "logout" not in action]
    assert forms, url
    return [client.post(action or url, {**data, "rating": "1"}).status_code for action, data in forms]


def test_the_order_admin_form_has_no_rating_field_and_shows_it_read_only(rated):
    model_admin = admin.site._registry[Order]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert "rating" not in model_admin.get_form(request, rated).base_fields
    assert "rating" in model_admin.get_readonly_fields(request, rated)


def test_saving_the_order_in_admin_with_rating_1_leaves_the_customers_rating(admin_client, rated):
    url = reverse("admin:orders_order_change", args=[rated.pk])
    [data] = [data for action, data in forms_of(admin_client.get(url).content.decode()) if not action]
    data |= {"rating": "1", "comment": "Customer called back"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rated.refresh_from_db()
    assert rated.comment == "Customer called back"  # the form did save: only the rating stayed out of it
    rating_untouched(rated)


@pytest.mark.parametrize(
    "model", ["feedback.feedbackrequest", "feedback.ratingcredit", "notifications.outboundmessage"]
)
def test_the_feedback_records_in_admin_cannot_be_changed(admin_client, rated, model):
    app, name = model.split(".")
    row = {"feedbackrequest": FeedbackRequest, "ratingcredit": RatingCredit}.get(name)
    pk = row.objects.first().pk if row else rated.messages_out.first().pk
    response = admin_client.post(reverse(f"admin:{app}_{name}_change", args=[pk]), {"rating": "1"})
    assert response.status_code in (302, 403)
    rating_untouched(rated)


@pytest.mark.parametrize("role", ["manager", "supervisor", "admin"])
def test_no_form_on_the_order_or_customer_page_sets_the_rating(client, rated, shop, anna, role):
    boss = supervisor(username="boss")
    grant(boss, shops=[shop])
    people = {"manager": anna, "supervisor": boss, "admin": UserFactory(is_staff=True, is_superuser=True)}
    client.force_login(people[role])
    for url in (reverse("orders:detail", args=[rated.pk]), reverse("orders:customer", args=[rated.customer_id])):
        assert 'name="rating"' not in client.get(url).content.decode()
        statuses = post_every_form(client, url)
        assert all(status < 500 for status in statuses), statuses
        rating_untouched(rated)
