"""Domain errors. Services raise them; the API and the consumers turn them into the JSON
error shape, each in one place (``core.api_errors`` and ``matching.consumers``)."""


class DomainError(Exception):
    """A request the domain refuses. ``code`` is stable, ``message`` is for people."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class OutOfStock(DomainError):
    code = "out_of_stock"
    status = 409


class InvalidImage(DomainError):
    code = "invalid_image"
    status = 400


class Conflict(DomainError):
    """The request is fine but the state does not allow it (e.g. a barcode naming two
    items, a quantity below what is held)."""

    code = "conflict"
    status = 409


class NotAvailable(DomainError):
    """Fewer units are free (not sold, not held for someone else) than asked for."""

    code = "not_available"
    status = 409
