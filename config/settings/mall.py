"""The mall's own knobs: departures, distances, cards, rate limits, the access log."""

import os

from config.settings.env import env_number

#: Seconds a shopper may be out of range of every kiosk before their data is erased.
DEPARTURE_GRACE = env_number("DEPARTURE_GRACE", "600", int)
#: Metres added to a distance for each floor changed.
FLOOR_CHANGE_METRES = env_number("FLOOR_CHANGE_METRES", "30")
#: DRF rate for anonymous registration; "none" turns the throttle off.
REGISTRATION_THROTTLE = os.environ.get("REGISTRATION_THROTTLE", "20/minute")
#: Shops per want that get the shopper's card: the first of that want's list (DESIGN.md,
#: flow 3), plus the shop of the kiosk that saw them if it has a match.
CARD_SHOPS = env_number("CARD_SHOPS", "3", int)
#: DRF rate for the anonymous search (``GET /api/search/``); "none" turns the throttle off.
SEARCH_THROTTLE = os.environ.get("SEARCH_THROTTLE", "120/minute")
#: How many proxies in front add ``X-Forwarded-For``; 0: the socket's address is the client.
TRUSTED_PROXIES = env_number("TRUSTED_PROXIES", "0", int)
#: Per shop: look-ups by code that find no shopper the shop may see, and shares by code.
CODE_LOOKUP_THROTTLE = os.environ.get("CODE_LOOKUP_THROTTLE", "30/minute")
#: Seconds between the checks that a live socket may still see what it receives.
SOCKET_RECHECK_SECONDS = env_number("SOCKET_RECHECK_SECONDS", "5")
#: Days the access log keeps its rows about a shopper after their data is erased.
ACCESS_LOG_DAYS = env_number("ACCESS_LOG_DAYS", "90", int)
