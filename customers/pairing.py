"""Pairing a phone with a shopper: a one-time link from the kiosk's QR code becomes a
session, so the phone page and ``/ws/me/`` know the shopper without a bearer token.

The link is ``/me/pair/#<ticket>``. The ticket sits in the URL *fragment*, which browsers
never send to the server: it cannot reach an access log or a proxy. The pairing page's
script posts it in a request body and replaces the URL, so it does not stay in the address
bar or the history either. A ticket is signed (``TimestampSigner``), lives 10 minutes, and
works once, on any worker: its nonce is a unique row in the database
(``PairingTicketUse``) until it would have expired anyway, never evicted earlier. It holds
the shopper's id and a fragment of their token *hash*, never the token.

The paired session is recorded too (``PairedSession``): erasing the shopper deletes it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from core.errors import DomainError
from customers.models import Customer, PairedSession, PairingTicketUse

#: Seconds a pairing ticket stays valid after the shopper registered.
TICKET_MAX_AGE = 600
_SALT = "customers.pairing"
#: Session keys of a paired phone.
SESSION_CUSTOMER = "me_customer"
SESSION_TOKEN_HASH = "me_token_hash"
#: Enough of the token hash to tell a shopper from one who reused an id; not a secret.
_HASH_FRAGMENT = 16


class PairingFailed(DomainError):
    code = "pairing_failed"
    status = 400


def pairing_ticket_create(*, customer: Customer) -> str:
    """A signed, short-lived, one-time ticket that pairs a phone with ``customer``."""
    payload = {
        "c": customer.pk,
        "h": customer.token_hash[:_HASH_FRAGMENT],
        "n": secrets.token_urlsafe(12),
    }
    return signing.TimestampSigner(salt=_SALT).sign_object(payload, compress=True)


def pairing_ticket_redeem(*, ticket: str, session: SessionBase) -> Customer:
    """Check ``ticket`` and pair ``session`` with its shopper (``PairingFailed`` if it is
    forged, expired, used already, or its shopper is gone)."""
    try:
        payload = signing.TimestampSigner(salt=_SALT).unsign_object(
            ticket.strip()[:500], max_age=TICKET_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise PairingFailed("This pairing code has expired; register again.") from exc
    except signing.BadSignature as exc:
        raise PairingFailed("This pairing code is not valid.") from exc
    customer = Customer.objects.filter(pk=payload.get("c")).first()
    if customer is None or not customer.token_hash.startswith(str(payload.get("h"))):
        raise PairingFailed("This shopper's data has been deleted.")
    # A unique row: of two phones scanning the same code, on any workers, only one wins.
    try:
        with transaction.atomic():
            PairingTicketUse.objects.create(
                nonce=str(payload.get("n"))[:32],
                expires_at=timezone.now() + timedelta(seconds=TICKET_MAX_AGE + 60),
            )
    except IntegrityError as exc:
        raise PairingFailed("This pairing code was used already.") from exc
    pairing_session_set(session=session, customer=customer)
    return customer


def pairing_session_set(*, session: SessionBase, customer: Customer) -> None:
    """Pair ``session`` with ``customer`` (a redeemed ticket, or a shopper who registered
    on this very phone from a check-in page); recorded, so that erasure deletes it."""
    session.cycle_key()  # a fresh session id for the paired phone (no fixation)
    session[SESSION_CUSTOMER] = customer.pk
    session[SESSION_TOKEN_HASH] = customer.token_hash
    session.save()  # a key now, to be recorded with the shopper
    PairedSession.objects.get_or_create(
        session_key=session.session_key, defaults={"customer": customer}
    )


def pairing_tickets_used_purge(*, now: datetime) -> int:
    """Forget used tickets that have expired anyway (``manage.py purge``)."""
    deleted, _ = PairingTicketUse.objects.filter(expires_at__lte=now).delete()
    return deleted


def paired_sessions_delete(*, customer: Customer) -> None:
    """Delete the sessions of every phone paired with ``customer`` (on erasure)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in PairedSession.objects.filter(customer=customer).values_list(
        "session_key", flat=True
    ):
        store(session_key=key).delete()


def paired_customer(session: SessionBase) -> Customer | None:
    """The live shopper this session is paired with, or None (never paired, erased,
    expired)."""
    customer_id = session.get(SESSION_CUSTOMER)
    if customer_id is None:
        return None
    customer = (
        Customer.objects.select_related("last_kiosk__shop")
        .filter(pk=customer_id, expires_at__gt=timezone.now())
        .first()
    )
    if customer is None or customer.token_hash != session.get(SESSION_TOKEN_HASH):
        return None
    return customer


def pairing_forget(*, session: SessionBase) -> None:
    """Unpair the session (after erasure, or when the shopper asks)."""
    session.pop(SESSION_CUSTOMER, None)
    session.pop(SESSION_TOKEN_HASH, None)


class PairedPhoneAuthentication(SessionAuthentication):
    """A paired phone's session stands for the shopper's ``Bearer`` token: ``request.auth``
    is the shopper, ``request.user`` stays the session's user. CSRF is enforced, as for
    any session."""

    def authenticate(self, request: Request) -> tuple[User | AnonymousUser, Customer] | None:
        django_request = request._request
        session = getattr(django_request, "session", None)
        if session is None or session.get(SESSION_CUSTOMER) is None:
            return None
        customer = paired_customer(session)
        if customer is None:
            return None
        self.enforce_csrf(request)
        return getattr(django_request, "user", AnonymousUser()), customer
