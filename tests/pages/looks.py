"""What a person sees on a page, measured in the browser: contrast from computed styles,
sideways scrolling, touch-target sizes, axe-core's verdict, and a screenshot of each page
at each size in ``test-artifacts/`` (kept whether the test passes or not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

#: The three sizes every page is tried at: a phone, a laptop, a big screen.
SIZES = {
    "390x844": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
    "1280x800": {"viewport": {"width": 1280, "height": 800}},
    "1920x1080": {"viewport": {"width": 1920, "height": 1080}},
}


def _script(name: str) -> str:
    """A function expression from a ``.js`` file beside this one, its comment lines left
    out (``page.evaluate`` must see the function first)."""
    text = (Path(__file__).parent / name).read_text()
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


#: WCAG AA: normal text 4.5:1; large text (24 px, or 18.66 px bold) 3:1.
AA_TEXT = 4.5
AA_LARGE = 3.0

_CONTRAST = _script("contrast.js")


def contrast(locator: Any) -> dict[str, Any]:
    """The contrast ratio of an element's text on its (composited) background."""
    return locator.evaluate(_CONTRAST)


def contrast_failures(page: Any, selector: str) -> list[str]:
    """Elements of ``selector`` (visible, with text) below WCAG AA for their size."""
    failures = []
    for element in page.locator(selector).all():
        if not element.is_visible() or not (element.inner_text() or "").strip():
            continue
        seen = contrast(element)
        needed = AA_LARGE if seen["large"] else AA_TEXT
        if seen["ratio"] < needed:
            failures.append(f"{seen['text']!r}: {seen['ratio']:.2f} < {needed}")
    return failures


def horizontal_overflow(page: Any, width: int) -> int:
    """Pixels the page is wider than the screen's ``width`` (0 when nothing scrolls
    sideways). Not ``innerWidth``: a phone browser zooms out to show an overflowing page,
    and the window grows with it."""
    return (
        page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        - width
    )


#: What a finger has to hit: buttons, link-buttons, fields, tabs, summaries, header links.
TARGETS = (
    "button, a.button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    " select, textarea, summary, .tabs a, .bar a, label.choice"
)


_TARGETS = _script("targets.js")


def small_targets(page: Any, minimum: float = 44) -> list[str]:
    """Visible touch targets smaller than ``minimum`` CSS pixels either way."""
    found = page.evaluate(
        _TARGETS,
        [TARGETS, minimum],
    )
    return found


def axe_serious(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page (axe.min.js comes with
    axe-playwright-python, no CDN)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def shoot(page: Any, name: str, size: str) -> Path:
    """A full-page screenshot ``test-artifacts/<name>-<size>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{size}.png"
    page.screenshot(path=path, full_page=True)
    return path


def looks_right(page: Any, name: str, size: str) -> None:
    """The checks every page passes at every size: screenshot, axe, no sideways scroll on
    a phone, 44 px touch targets."""
    shoot(page, name, size)
    assert axe_serious(page) == [], name
    if size == "390x844":
        assert horizontal_overflow(page, 390) <= 0, f"{name} scrolls sideways"
    assert small_targets(page) == [], name
