from core.exceptions import DeskError


class WebhookError(DeskError):
    """Base of the webhooks app's errors."""


class AddressRefused(WebhookError):
    """The endpoint's URL is not one the desk may call (scheme, or a private address: server-side request
    forgery)."""


class DeliveryFailed(WebhookError):
    """One try did not get a 2xx answer; `status` is the HTTP code (0: no answer), `excerpt` the answer's first
    bytes."""

    def __init__(self, message: str, *, status: int = 0, excerpt: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.excerpt = excerpt
