"""The one place where API errors become ``{"error": {"code", "message"}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.defaults import bad_request, page_not_found, permission_denied, server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mall.errors import DomainError


def _flatten(detail: Any, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        lines = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            lines += _flatten(value, f"{prefix}.{name}" if prefix and name else name or prefix)
        return lines
    if isinstance(detail, list):
        lines = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            lines += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


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
        message = "; ".join(_flatten(exc.detail)) or "Invalid input."
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
