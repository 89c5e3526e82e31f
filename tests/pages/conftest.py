"""Browser tests: a real daphne server in a subprocess, Debian's Chromium through Playwright.

The server has its own SQLite file and the in-memory channel layer: the tests reach it only
over HTTP and websockets (sightings go through the kiosk API), so every push starts in the
server process, as in production. That avoids the fork and test-database traps of
``ChannelsLiveServerTestCase`` (STACK.md). A failing test leaves a screenshot of each open
page in ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.servers import daphne_workers

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return next((path for path in CHROMIUM_PATHS if os.access(path, os.X_OK)), None)


@dataclass
class Server:
    url: str
    kiosk_key: str
    #: Session cookie (name, value) of each seeded clerk, logged in.
    clerk_cookies: dict[str, tuple[str, str]]
    #: The check-in code of the kiosk in the "rain" shop.
    checkin_code: str = ""
    #: Primary key of the "hats" shop (the admin's change form).
    hats_id: int = 0
    #: The server's environment: a script run with it writes to the server's database.
    env: dict[str, str] | None = None

    def sight(self, token: str) -> httpx.Response:
        """A kiosk at the entrance reports the shopper with ``token``."""
        return httpx.post(
            f"{self.url}/api/kiosk/sightings/",
            json={"token": token},
            headers={"Authorization": f"Api-Key {self.kiosk_key}"},
            timeout=10,
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if chromium_path() is None:
        pytest.skip("Chromium is missing: apt-get install -y chromium (CI installs it)")
    folder = tmp_path_factory.mktemp("server")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "REGISTRATION_THROTTLE": "none",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    seeded = json.loads(subprocess.run([sys.executable, "-m", "tests.pages.seed"], **run).stdout)
    with daphne_workers(1, env=env, logs=folder, inherit=False) as (worker,):
        yield Server(
            url=worker.http,
            kiosk_key=seeded["kiosk_key"],
            clerk_cookies={
                name: (seeded["cookie"], key) for name, key in seeded["sessions"].items()
            },
            checkin_code=seeded["checkin_code"],
            hats_id=seeded["hats_id"],
            env=env,
        )


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed  # read by ``open_page``'s teardown


def new_page(
    browser: Any,
    server: Server,
    contexts: list[Any],
    refused: list[str],
    *,
    options: dict[str, Any],
    clerk: str | None = None,
    timeout_ms: int = 5000,
) -> Any:
    """A page in a fresh context of ``browser`` (kept in ``contexts`` to close), with
    ``clerk`` logged in; what the Content Security Policy refuses lands in ``refused``."""
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(timeout_ms)
    contexts.append(context)
    if clerk is not None:
        name, value = server.clerk_cookies[clerk]
        context.add_cookies([{"name": name, "value": value, "url": server.url}])
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page


@pytest.fixture
def open_page(request: pytest.FixtureRequest, browser: Any, server: Server) -> Iterator[Any]:
    """``open_page(mobile=False, clerk=None)``: a page in a fresh context (its own cookies;
    with ``clerk``, that clerk logged in), closed after the test; screenshotted into
    ``test-artifacts/`` if the test failed."""
    contexts: list[Any] = []
    pages: list[Any] = []
    #: What the browser refused under the Content Security Policy: every page must load
    #: and run with none.
    refused: list[str] = []

    def make(*, mobile: bool = False, clerk: str | None = None) -> Any:
        options: dict[str, Any] = {}
        if mobile:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = new_page(browser, server, contexts, refused, options=options, clerk=clerk)
        pages.append(page)
        return page

    yield make
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        for index, page in enumerate(pages):
            # A crashed page must not hide the test's own failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{index}.png", full_page=True)
    for context in contexts:
        context.close()
    assert not refused, f"refused by the Content Security Policy: {refused}"
