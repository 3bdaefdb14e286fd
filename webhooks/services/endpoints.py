"""A shop's endpoints: saved with a fresh secret (shown to the admin once, by the caller), switched back on with a
clean slate, and a secret rotated on request."""

from django.db import transaction

from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_new


@transaction.atomic
def webhook_endpoint_save(*, endpoint: WebhookEndpoint) -> str:
    """Check and save the endpoint; a new one gets its secret, returned ("" for an existing one). Switched on
    again after the desk switched it off, it starts with no failures counted."""
    new = endpoint._state.adding
    if new:
        endpoint.secret = secret_new()
    elif endpoint.is_active and endpoint.disabled_at is not None:
        endpoint.consecutive_failures, endpoint.disabled_at, endpoint.disabled_reason = 0, None, ""
    endpoint.full_clean()
    endpoint.save()
    return endpoint.secret if new else ""


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """A new secret, in force at once for every try from now on (deliveries waiting included); returned once."""
    endpoint.secret = secret_new()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=endpoint.secret)
    return endpoint.secret
