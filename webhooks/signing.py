"""Standard Webhooks signing (https://www.standardwebhooks.com): secrets `whsec_<base64 key>`, the signature
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the decoded key."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
