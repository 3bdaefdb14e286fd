"""Headers on every page: a Content-Security-Policy that runs only the desk's own scripts and styles, no
sniffing, a referrer policy, no framing; session cookies HttpOnly and SameSite=Lax; and no inline script or
style sheet left in any template (the policy would block it)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import manager, supervisor

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def directives(policy: str) -> dict[str, list[str]]:
    """The policy as its directives: the header's order is django-csp's and differs between processes."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("url", ["/login/", "/orders/", "/dashboard/", "/feedback/claims/", "/admin/", "/healthz"])
def test_every_page_carries_the_security_headers(client, url):
    client.force_login(supervisor(is_staff=True, is_superuser=True))
    response = client.get(url)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # scripts and style sheets: the desk's own files only
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-inline'" not in sources for name, sources in policy.items() if name != "style-src-attr")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    user = manager(username="anna")
    response = client.post("/login/", {"username": "anna", "password": "secret-pass-123"}, REMOTE_ADDR="10.0.0.5")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert user.pk


def test_no_template_holds_an_inline_script_a_style_block_or_an_event_handler_attribute():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text, flags=re.IGNORECASE):
            offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        for handler in re.findall(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: {handler.strip()}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []
