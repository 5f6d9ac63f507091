"""The post-editing page in a real headless browser: the distribution's Chromium, driven by
playwright, against ``mt serve`` on 127.0.0.1 with the tiny models.

``make setup`` installs Chromium where it is missing (CI runs as root); elsewhere this test is
skipped, except in CI, where a missing browser fails it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("starlette")
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = os.environ.get("MT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
# MT_SCREENSHOT=docs/serve-page.png keeps the screenshot the README shows (taken after the edit).
SCREENSHOT = os.environ.get("MT_SCREENSHOT")
# Chromium must not reach the network on its own (updates, sync, field trials).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Plain text, where markup is no markup: the page must show it as the text it is.
RELEASE = """\
Daesh verslagen in Mosul

De minister van Buitenlandse Zaken bezoekt Brussel op 12 maart.

Daesh verloor 250 strijders. <script>window.pwned = 1</script>

<img src=x onerror="window.pwned = 2"> Meer informatie volgt.
"""


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: make setup installs it (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM} (make setup installs it)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _row(page, index: int):
    return page.locator("#segments tbody tr").nth(index)


def _finding_codes(row) -> list[str]:
    return row.locator("ul.findings li").evaluate_all("items => items.map(i => i.dataset.code)")


def test_post_editing_a_release_in_the_browser(start_server, browser, tmp_path: Path):
    url = start_server(langs=("fr", "de"))
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)

    # load a release (the file input, as a translator would) and translate it into French
    upload = tmp_path / "release.nl.txt"
    upload.write_text(RELEASE, encoding="utf-8")
    page.set_input_files("#upload", str(upload))
    expect(page.locator("#release")).to_have_value(re.compile("Mosul"))
    assert page.input_value("#format") == "text"
    page.locator("#languages input[value=de]").uncheck()
    page.click("#translate")
    page.wait_for_selector("#segments tbody tr")
    rows = page.locator("#segments tbody tr")
    assert rows.count() == 4

    # the glossary's terms are highlighted: Daesh in the Dutch, the approved term in the draft
    heading = _row(page, 0)
    daesh = 'mark[title^="daesh:"]'
    assert heading.locator(f".source {daesh}.term-applied").inner_text() == "Daesh"
    assert heading.locator(f".preview {daesh}.term-applied").inner_text() in ("Daech", "Daesh")
    assert heading.locator('.source mark[title^="mosul:"]').inner_text() == "Mosul"

    # what the release held as markup is shown as text, never run
    third = _row(page, 2).locator(".source").inner_text()
    assert "<script>window.pwned = 1</script>" in third
    assert "onerror" in _row(page, 3).locator(".source").inner_text()
    assert page.evaluate("window.pwned") is None and dialogs == []

    # edit a draft: a finding appears (the forbidden term), the term turns red; then goes again
    editor = heading.locator("textarea")
    editor.fill("L'État islamique vaincu à Mossoul")
    expect(heading.locator("ul.findings li[data-code=forbidden-term]")).not_to_have_count(0)
    assert {"forbidden-term", "missing-term"} <= set(_finding_codes(heading))
    assert heading.locator(".preview mark.term-forbidden").inner_text() == "État islamique"
    assert heading.locator(f".source {daesh}.term-missing").inner_text() == "Daesh"
    if SCREENSHOT:
        page.screenshot(path=str(ROOT / SCREENSHOT), full_page=True)

    editor.fill("Daech vaincu à Mossoul")
    expect(heading.locator("ul.findings li")).to_have_count(0)
    assert heading.locator(f".preview {daesh}.term-applied").inner_text() == "Daech"

    # a refresh loses nothing: the edit is in the tab's session storage
    page.reload()
    page.wait_for_selector("#segments tbody tr")
    assert _row(page, 0).locator("textarea").input_value() == "Daech vaincu à Mossoul"
    assert "edited" in (_row(page, 0).get_attribute("class") or "")

    # download: the post-edited release in its own format and name
    with page.expect_download() as waiting:
        page.click("#download")
    download = waiting.value
    assert download.suggested_filename == "release.fr.txt"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("Daech vaincu à Mossoul\n\n")
    assert text.count("\n\n") == RELEASE.count("\n\n")  # the structure kept
    assert "Mosul" not in text
    context.close()
