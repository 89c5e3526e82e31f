"""Request checks that hold for every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from core.api_errors import error_body


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a header is a 400.

    No URL of the mall has one, and no text column of PostgreSQL can hold one: a shopper's
    code, a stock search or a kiosk key with one reached the database and failed there.
    (daphne refuses a NUL in a header itself; this holds under any server. Bodies are
    checked where they are read: DRF's and Django's form fields refuse NUL.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = None
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = "The address holds a NUL character."
        elif any(
            "\x00" in value for name, value in request.META.items() if name.startswith("HTTP_")
        ):
            message = "A header holds a NUL character."
        if message is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", message), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API answer that did not set its own: they are
    personal (a shopper's wants and list, a shop's stock and customers) and must not stay
    in a browser's or a proxy's cache. The schema and its docs may be cached."""

    PUBLIC = ("/api/schema/", "/api/docs/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/") or request.path.startswith("/me/")
        ) and not request.path.startswith(self.PUBLIC):
            if "Cache-Control" not in response:
                response["Cache-Control"] = "no-store"
            elif "no-store" not in response["Cache-Control"]:
                response["Cache-Control"] += ", no-store"
        return response
