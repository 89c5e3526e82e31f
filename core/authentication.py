"""The ground of the API's own schemes: a credential read from ``Authorization``, and the
caller's kind. Each app brings its class (``kiosks.authentication``: the kiosk's
``Api-Key``; ``customers.authentication``: the shopper's ``Bearer`` token)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.errors import NotFound


def credentials(request: Request, scheme: str) -> str | None:
    """The credential after ``scheme`` in the Authorization header, or None."""
    header = get_authorization_header(request)
    if not header:
        return None
    try:
        text = header.decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed("The Authorization header is not ASCII.") from exc
    parts = text.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != scheme.lower():
        return None
    return parts[1].strip()


class CallerAuthentication(BaseAuthentication):
    """``Authorization: <keyword> <credential>``; ``request.auth`` is what ``caller``
    finds for it (a kiosk, a shopper), and ``caller_kind(request)`` names its kind."""

    keyword: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    refusal: ClassVar[str] = "Unknown credentials."

    def caller(self, credential: str) -> Model:
        """What ``credential`` stands for; ``NotFound`` if nothing (refused with 401)."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Model] | None:
        credential = credentials(request, self.keyword)
        if credential is None:
            return None
        try:
            found = self.caller(credential)
        except NotFound:
            raise exceptions.AuthenticationFailed(self.refusal) from None
        return AnonymousUser(), found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def caller_kind(request: Any) -> str | None:
    """ "kiosk", "shopper", ... for a request authenticated by a ``CallerAuthentication``;
    None for a session, a page's form or nobody."""
    authenticator = getattr(request, "successful_authenticator", None)
    return getattr(authenticator, "kind", None) or None
