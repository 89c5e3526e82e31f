"""``mall.asgi:application``, the name DESIGN.md gives the server: the project's wiring
lives in ``config/`` (``config.asgi``); this alias keeps the contract's name working."""

from config.asgi import application

__all__ = ["application"]
