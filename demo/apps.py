from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo mall (``manage.py demo``): project wiring, above every app."""

    name = "demo"
