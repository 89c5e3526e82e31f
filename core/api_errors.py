"""The one place where API errors become ``{"error": {"code", "message"}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.defaults import bad_request, page_not_found, permission_denied, server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError

#: What a person calls each field of the API, in a sentence ("Please fill in the message.").
FIELD_WORDS = {
    "text": "the message",
    "name": "the name",
    "keywords": "the other words",
    "level": "the level (1 to 5)",
    "desires": "the wanted products",
    "desire": "the wanted product",
    "payment_method": "the payment method",
    "ranking": "the order (nearest or cheapest first)",
    "consent": "the consent",
    "face_image": "the photo",
    "price": "the price",
    "quantity": "the quantity",
    "barcode": "the barcode",
    "valid_days": "the number of days it stays valid",
    "item": "the item",
    "customer": "the customer code",
    "shop": "the shop",
    "token": "the secret key",
    "code": "the code",
    "until": "the end time",
    "q": "the search words",
    "limit": "the number of results",
    "offset": "the starting point",
}
#: DRF error codes that mean "nothing was given".
_EMPTY = {"required", "blank", "null", "empty"}


def _where(path: list[str | int]) -> str:
    """A field's path in words: ``["desires", 1, "name"]`` is "the name of wanted
    product 2"."""
    words = ""
    for step in path:
        if isinstance(step, str) and step.isdigit():
            step = int(step)
        if isinstance(step, int):
            owner = "wanted product" if words == FIELD_WORDS["desires"] else "entry"
            if words in (FIELD_WORDS["keywords"],):
                continue  # one of the other words: the list is what the shopper typed
            words = f"{owner} {step + 1}"
        elif step != "non_field_errors":
            field = FIELD_WORDS.get(step, "the " + step.replace("_", " "))
            words = f"{field} of {words}" if words else field
    return words


def _sentence(path: list[str | int], detail: Any) -> str:
    """One error as a sentence a shopper or clerk reads without knowing the API."""
    text = str(detail).strip()
    where = _where(path)
    if not where:
        return text
    if getattr(detail, "code", "") in _EMPTY:
        return f"Please fill in {where}."
    first = text.split()[0] if text else ""
    if first and not (len(first) > 1 and first.isupper()):
        text = text[0].lower() + text[1:]
    return f"Check {where}: {text}"


def _flatten(detail: Any, path: list[str | int] | None = None) -> list[str]:
    path = path or []
    if isinstance(detail, dict):
        return [line for key, value in detail.items() for line in _flatten(value, [*path, key])]
    if isinstance(detail, list):
        lines = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            lines += _flatten(value, [*path, index] if nested else path)
        return lines
    return [_sentence(path, detail)]


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped; domain errors mapped by their own code and status."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message = " ".join(dict.fromkeys(_flatten(exc.detail))) or "Some of the input is not valid."
        response.data = error_body("invalid", message[:1000], exc.detail)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(code, str(exc.detail))
    return response


def json_404(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)


def json_500(request) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", "Something went wrong on the server."), status=500
    )


def handler404(request, exception=None):
    """JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return json_500(request)
    return server_error(request)


def handler400(request, exception=None):
    """Django refuses some requests before DRF sees them (a body over the upload limit)."""
    if request.path.startswith("/api/"):
        message = str(exception) if exception else "Bad request."
        return JsonResponse(error_body("bad_request", message[:300]), status=400)
    return bad_request(request, exception)


def handler403(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("forbidden", "Forbidden."), status=403)
    return permission_denied(request, exception)
