"""The HTTP API (DRF) and its schema (drf-spectacular)."""

from config.settings.mall import (
    CODE_LOOKUP_THROTTLE,
    REGISTRATION_THROTTLE,
    SEARCH_THROTTLE,
    TRUSTED_PROXIES,
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kiosks.authentication.KioskKeyAuthentication",
        "customers.authentication.ShopperTokenAuthentication",
        # A phone paired by the kiosk's QR code (customers.pairing): its session stands
        # for the shopper's token. Before SessionAuthentication, so that a phone that is
        # also logged in as a clerk is still the shopper on /api/me/.
        "customers.pairing.PairedPhoneAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's, refusing what json.loads takes but the server cannot (core/parsers.py).
        # JSON only, as the schema says; registration also takes a multipart form (photo).
        "core.parsers.JSONParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.MallAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "registration": None if REGISTRATION_THROTTLE.lower() == "none" else REGISTRATION_THROTTLE,
        "search": None if SEARCH_THROTTLE.lower() == "none" else SEARCH_THROTTLE,
        "code_lookup": None if CODE_LOOKUP_THROTTLE.lower() == "none" else CODE_LOOKUP_THROTTLE,
        # A phone pairing from the kiosk's QR code; a shopper's messages to shops.
        "pairing": "30/minute",
        "shopper_requests": "10/minute",
    },
    # DRF's own notion of the client (core.throttles.client_address gives the same).
    "NUM_PROXIES": TRUSTED_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mall customer solicitation API",
    "DESCRIPTION": "Shoppers, stock, sightings and sales. See DESIGN.md, 'HTTP API'.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema's own warnings do not depend on the deployment: ``check --deploy`` judges
    # the environment only (tests/scale/test_deploy_check.py).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}
