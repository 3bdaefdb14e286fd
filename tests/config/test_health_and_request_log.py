"""/healthz tells a load balancer whether this node can serve; every request is logged on one line."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from config.schedules import EVERY_MINUTE, schedules_sync
from tests.factories import manager

pytestmark = pytest.mark.django_db


def test_a_healthy_desk_answers_200_without_a_login(client):
    schedules_sync()
    Schedule.objects.update(next_run=timezone.now() + timedelta(seconds=30))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "schedules": "ok", "cluster": "ok"}


def test_missing_schedules_fail_the_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert (
        response.json()["schedules"].startswith("missing: ")
        and "run sync_schedules" in response.json()["schedules"]
    )


def test_a_silent_q2_cluster_fails_the_health_check(client):
    schedules_sync()
    Schedule.objects.update(next_run=timezone.now() - timedelta(minutes=10))  # nobody has run them for ten minutes
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cluster"].startswith(f"silent: {len(EVERY_MINUTE)} schedule(s) overdue")


def test_each_request_is_one_log_line_with_status_time_and_user(client, caplog, settings):
    user = manager(username="anna")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="orderdesk.requests"):
        client.get("/orders/")
    (line,) = [record.getMessage() for record in caplog.records if record.name == "orderdesk.requests"]
    method, path, status, took, who = line.split()
    assert (method, path, status, who) == ("GET", "/orders/", "200", "anna") and took.endswith("ms")
