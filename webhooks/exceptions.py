from core.exceptions import DeskError


class WebhookError(DeskError):
    """Base of the webhooks app's errors."""


class AddressRefused(WebhookError):
    """The endpoint's URL is not one the desk may call (scheme, or a private address: server-side request
    forgery)."""


class DeliveryFailed(WebhookError):
    """One try got no answer: no connection, or none in time."""
