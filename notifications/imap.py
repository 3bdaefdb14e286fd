"""The IMAP poller, for a shop whose mail comes to a mailbox rather than a provider's inbound webhook: every minute
(q2: notifications.tasks.poll_imap) the unread letters of IMAP_FOLDER are handed to `email_receive`, and each is
marked read (\\Seen) only once it is stored, so a letter the desk failed to keep is read again next time. Storing
is idempotent on Message-ID: a letter read twice is kept once."""

import imaplib
import logging
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.conf import settings

from notifications.services import email_receive

log = logging.getLogger(__name__)
# Letters read in one run; the rest wait for the next minute.
BATCH = 100


def _connect() -> imaplib.IMAP4:
    if settings.IMAP_SSL:
        return imaplib.IMAP4_SSL(settings.IMAP_HOST, settings.IMAP_PORT, timeout=30)
    return imaplib.IMAP4(settings.IMAP_HOST, settings.IMAP_PORT, timeout=30)


def imap_poll() -> int:
    """Read the mailbox's unread letters once; how many were stored as new (0 without IMAP_HOST)."""
    if not settings.IMAP_HOST:
        return 0
    stored = 0
    with _connect() as mailbox:
        mailbox.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        mailbox.select(settings.IMAP_FOLDER)
        _, found = mailbox.uid("SEARCH", "UNSEEN")
        uids = found[0].split()[:BATCH] if found and found[0] else []
        for uid in uids:
            _, data = mailbox.uid("FETCH", uid, "(RFC822)")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if not isinstance(raw, bytes):
                log.warning("IMAP letter %s: no content fetched, left unread", uid)
                continue
            letter = BytesParser(_class=EmailMessage, policy=policy.default).parsebytes(raw)
            try:
                _, new = email_receive(letter=letter, recipients=[settings.IMAP_USER])
            except Exception:  # one bad letter must not stop the others; it stays unread for the next run
                log.exception("IMAP letter %s could not be stored, left unread", uid)
                continue
            stored += new
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        mailbox.logout()
    return stored
