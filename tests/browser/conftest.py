"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's
live server. Without /usr/bin/chromium they are skipped with the reason; with
PPID_BROWSER_REQUIRED=1 (CI) a missing Chromium is a failure instead."""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PPID_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


MISSING = f"Chromium not found at {CHROMIUM} (install it: apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    # Skipped at collection, so no live server or test data is set up for nothing.
    if CHROMIUM.exists() or os.environ.get("PPID_BROWSER_REQUIRED"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{MISSING}; PPID_BROWSER_REQUIRED is set")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls in test bodies
    # and fixtures are still plain synchronous code, so Django's async guard is lifted here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (vendored: tests/browser/vendor/VERSIONS.txt) on the page as it is now."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the current page; prints them otherwise."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        report = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [{"target": n["target"], "html": n["html"][:200]} for n in v["nodes"][:5]],
            }
            for v in blocking
        ]
        pytest.fail(
            f"axe-core found {len(blocking)} serious/critical violation(s) on {page.url}:\n"
            + json.dumps(report, indent=2, ensure_ascii=False)
        )
