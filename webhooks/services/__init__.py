"""The webhooks' writes, one module per job; the public names stay importable from `webhooks.services`."""

from webhooks.services.endpoints import webhook_endpoint_save, webhook_endpoint_secret_rotate
from webhooks.services.recording import webhook_event_record, webhooks_send_after_commit
from webhooks.services.sending import retry_delay, webhook_deliveries_resend, webhook_request, webhooks_send_due

__all__ = [
    "retry_delay",
    "webhook_deliveries_resend",
    "webhook_endpoint_save",
    "webhook_endpoint_secret_rotate",
    "webhook_event_record",
    "webhook_request",
    "webhooks_send_after_commit",
    "webhooks_send_due",
]
