"""The console under the desk's own logging settings (what `make demo` and production run with, not the suite's):
one line per message sent, not the twilio client's request dump; runserver's lines for Twilio's status callbacks
dropped while a refused callback and other requests still show; q2's per-task lines gone when the demo asks."""

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import time_machine

from notifications.services import message_queue, outbox_send_due
from tests.factories import ShopFactory, make_order, msk
from tests.notifications.conftest import sms_template

NOON = msk(2026, 11, 24, 12, 0)
ROOT = Path(__file__).resolve().parents[2]

# Each logger as it speaks in the demo: the twilio client, the outbox, q2's worker, and runserver per request.
SPEAK = textwrap.dedent(
    """
    import logging
    import django

    django.setup()
    logging.getLogger("twilio.http_client").info("-- BEGIN Twilio API Request --")
    logging.getLogger("notifications.services.outbox").info("Outbox: message 7 sent by SMS (SM7)")
    logging.getLogger("django-q").info("Processed 'notifications.tasks.send_message'")
    server = logging.getLogger("django.server")
    for request_line, status in [
        ("POST /webhooks/twilio/status/?outbox=7 HTTP/1.1", 200),
        ("POST /webhooks/twilio/status/?outbox=8 HTTP/1.1", 403),
        ("POST /webhooks/twilio/inbound/ HTTP/1.1", 200),
        ("GET /orders/ HTTP/1.1", 200),
    ]:
        extra = {"status_code": status, "server_time": "24/Nov/2026 12:00:00", "request": None}
        level = logging.WARNING if status >= 400 else logging.INFO
        server.log(level, '"%s" %s 52', request_line, status, extra=extra)
    """
)


def console_of_the_desk(**env) -> list[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env}
    environment.pop("LOG_LEVEL", None)
    result = subprocess.run(
        [sys.executable, "-c", SPEAK], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_the_demos_console_keeps_one_line_per_message_and_drops_the_dumps_and_callbacks():
    assert console_of_the_desk(Q_LOG_LEVEL="WARNING") == [  # as scripts/demo.sh runs it
        "Outbox: message 7 sent by SMS (SM7)",
        '[24/Nov/2026 12:00:00] "POST /webhooks/twilio/status/?outbox=8 HTTP/1.1" 403 52',
        '[24/Nov/2026 12:00:00] "POST /webhooks/twilio/inbound/ HTTP/1.1" 200 52',
        '[24/Nov/2026 12:00:00] "GET /orders/ HTTP/1.1" 200 52',
    ]


def test_q2s_task_lines_stay_where_the_demo_does_not_ask_them_away():
    assert "Processed 'notifications.tasks.send_message'" in console_of_the_desk()


@pytest.mark.django_db
def test_sending_a_message_through_the_real_twilio_client_logs_one_line_of_the_desks_own(twilio, caplog):
    with time_machine.travel(NOON, tick=False):
        order = make_order(ShopFactory(always_open=True), phone="+79161112233")
        message = message_queue(
            customer=order.customer, order=order, channel="sms", purpose="trigger", template=sms_template()
        )
        with caplog.at_level(logging.INFO):
            assert outbox_send_due(now=NOON) == 1
    [sent] = twilio.sent
    desks_own = [record.getMessage() for record in caplog.records if not record.name.startswith("twilio")]
    assert desks_own == [f"Outbox: message {message.pk} sent by SMS ({sent.sid})"]
    assert any(record.name == "twilio.http_client" for record in caplog.records)  # what the settings quiet
