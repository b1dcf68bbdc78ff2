"""The verifier page in headless Chromium (Debian's, driven by Playwright): drop a baked PNG,
read the verdict and the checks; paste with the keyboard only; fit a phone screen.

Set EDUBADGE_PAGE_SCREENSHOT=docs/verifier-page.png to refresh the screenshot in the docs.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edubadge.bake import bake
from edubadge.demo.baking import badge_png
from edubadge.stacking.rules import StackRule

from .server_world import World, description, make_world, require_server_extra, running_server
from .stacking_world import ACHIEVEMENT, world

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ALL_CHECKS = ["parse", "context", "data-model", "proof", "issuer-key", "status", "validity"]


def _require_browser() -> None:
    require_server_extra()
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        message = "the browser test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message, allow_module_level=True)


_require_browser()

import httpx  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def issuers(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("page"))


@pytest.fixture(scope="module")
def server(issuers: World) -> Iterator[str]:
    with running_server(issuers.config) as base:
        yield base


@pytest.fixture(scope="module")
def credential(server: str, issuers: World) -> dict[str, Any]:
    answer = httpx.post(
        f"{server}/micro-credentials/issue",
        json={"microCredential": description()},
        headers=issuers.uni.headers,
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json()["verifiableCredential"])


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # an empty user data dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True
        )
        assert context.browser is not None or context.pages is not None
        yield context  # type: ignore[misc]
        context.close()


def _open(browser: Any, server: str, *, width: int = 1000, height: int = 900) -> Page:
    page: Page = browser.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + "/")
    return page


def _drop(page: Page, name: str, data: bytes, mime: str) -> None:
    """Drop a file on the drop zone as a person dragging it from their desktop would."""
    page.evaluate(
        """([name, b64, mime]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const zone = document.getElementById("drop-zone");
            for (const kind of ["dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true }));
            }
        }""",
        [name, base64.b64encode(data).decode(), mime],
    )


def _read(page: Page) -> tuple[str, dict[str, tuple[str, str]], dict[str, str]]:
    """The verdict, each check (outcome, text), and the facts, as shown on the page."""
    page.wait_for_selector("#verdict[data-verified], #verdict.bad", timeout=30_000)
    verdict = page.inner_text("#verdict")
    checks = {
        item.get_attribute("data-check") or "": (
            item.get_attribute("data-outcome") or "",
            item.inner_text(),
        )
        for item in page.query_selector_all("#checks li")
    }
    terms = page.query_selector_all("#facts dt")
    values = page.query_selector_all("#facts dd")
    facts = {t.inner_text(): v.inner_text() for t, v in zip(terms, values, strict=True)}
    return verdict, checks, facts


def test_drop_a_baked_png_and_read_the_verdict(
    browser: Any, server: str, credential: dict[str, Any]
) -> None:
    page = _open(browser, server)
    _drop(page, "badge.png", bake(badge_png(96), json.dumps(credential)), "image/png")
    verdict, checks, facts = _read(page)
    assert verdict.startswith("\u2713 Genuine")
    assert list(checks) == ALL_CHECKS
    assert all(outcome == "passed" for outcome, _ in checks.values())
    assert checks["parse"][1].endswith("unbaked from a PNG image")
    assert "The issuer's signature holds" in checks["proof"][1]
    assert facts["What"] == "Data Analysis with Python"
    assert facts["Issued by"].startswith("Uni University (Belgium)")
    assert facts["Credits"] == "5 ECTS" and facts["Level"] == "EQF level 6"
    assert page.is_visible("#badge-image")
    outcomes = page.query_selector_all("#outcomes li")
    assert len(outcomes) == len(description()["learning_outcomes"])
    if target := os.environ.get("EDUBADGE_PAGE_SCREENSHOT"):
        page.screenshot(path=target, full_page=True)
    page.close()


def test_a_tampered_png_is_shown_in_red_with_the_reason(
    browser: Any, server: str, credential: dict[str, Any]
) -> None:
    forged = json.loads(json.dumps(credential))
    forged["credentialSubject"]["creditsEarned"] = 60
    page = _open(browser, server)
    _drop(page, "forged.png", bake(badge_png(32), json.dumps(forged)), "image/png")
    verdict, checks, facts = _read(page)
    assert verdict.startswith("\u2717 Not verified")
    assert checks["proof"][0] == "failed"
    assert "signature does not match" in checks["proof"][1]
    assert facts["Credits"] == "60 ECTS"  # shown as claimed, beside the red verdict
    color = page.eval_on_selector(
        "#checks li[data-check=proof] .mark", "e => getComputedStyle(e).color"
    )
    assert color == "rgb(161, 22, 27)"
    page.close()


def test_paste_and_check_with_the_keyboard_only(
    browser: Any, server: str, credential: dict[str, Any]
) -> None:
    page = _open(browser, server)
    page.keyboard.press("Tab")  # the first focusable element is the text area
    assert page.evaluate("document.activeElement.id") == "credential-text"
    page.keyboard.insert_text(json.dumps(credential))
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "check-button":
            break
    assert page.evaluate("document.activeElement.id") == "check-button"
    page.keyboard.press("Enter")
    verdict, checks, _ = _read(page)
    assert verdict.startswith("\u2713 Genuine") and checks["parse"][0] == "passed"
    assert page.evaluate("document.activeElement.id") == "verdict"  # focus moves to the answer
    page.close()


def test_fits_a_phone_screen(browser: Any, server: str, credential: dict[str, Any]) -> None:
    page = _open(browser, server, width=360, height=740)
    _drop(page, "badge.png", bake(badge_png(48), json.dumps(credential)), "image/png")
    _read(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    box = page.query_selector("#check-button").bounding_box()  # type: ignore[union-attr]
    assert box is not None and box["height"] >= 44  # a comfortable touch target
    labels = page.evaluate(
        "[...document.querySelectorAll('textarea, input')].every(e => e.labels.length > 0)"
    )
    assert labels
    page.close()


def test_a_stack_shows_each_component_and_rule_clause(
    browser: Any, server: str, tmp_path: Path
) -> None:
    w = world()
    rule = StackRule.from_json(
        {"allOf": [ACHIEVEMENT + "m1", ACHIEVEMENT + "m2"], "minimumCredits": 10}
    ).to_json()
    # without credentialStatus: the server cannot reach the stacking world's status lists
    modules = [w.module(f"{m}-page", status=False) for m in ("m1", "m2")]
    stacked = w.stack_document(modules, rule)
    files = []
    for name, module in zip(("m1.json", "m2.json"), modules, strict=True):
        (tmp_path / name).write_text(json.dumps(module))
        files.append(str(tmp_path / name))
    page = _open(browser, server)
    page.fill("#credential-text", json.dumps(stacked))
    page.click("summary")  # open "Component credentials"
    page.set_input_files("#component-files", files)
    page.click("#check-button")
    verdict, checks, _ = _read(page)
    assert verdict.startswith("\u2713 Genuine"), checks
    assert checks["components"][0] == "passed" and checks["stack-rule"][0] == "passed"
    shown = [li.inner_text() for li in page.query_selector_all("#components li")]
    assert len(shown) == 2 and all("Module m" in text for text in shown)
    clauses = page.query_selector_all("#rule li")
    assert {c.get_attribute("data-outcome") for c in clauses} == {"passed"}
    assert any("minimumCredits" in c.inner_text() for c in clauses)

    page.set_input_files("#component-files", files[:1])  # m2 left out
    page.click("#check-button")
    page.wait_for_selector("#verdict.bad")
    missing = page.query_selector_all("#components li[data-outcome=failed]")
    assert len(missing) == 1 and "missing" in missing[0].inner_text()
    page.close()
