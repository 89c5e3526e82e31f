"""Request checks that hold for every view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from mall.api_errors import error_body


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is a 400.

    No URL of the mall has one, and no text column of PostgreSQL can hold one: a shopper's
    code or a stock search with ``%00`` in it reached the database and failed there.
    (Bodies are checked where they are read: DRF's and Django's form fields refuse NUL.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in query.lists()
        ):
            message = "The address holds a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("invalid", message), status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
