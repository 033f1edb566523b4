"""A person's session in a real browser (Playwright + Debian's Chromium) against `budget-etl serve`.

The database is filled by a real run of the pipeline (the ``run_files`` Prefect flow) on corpus
PDFs and on a generated one whose 12月底 plan cell is printed wrong; the app runs as its own
process on 127.0.0.1. The reviewer opens the queue, opens the item, sees the outlined cell,
corrects it and watches the item resolve; waives another; retries a third.
Screenshots go to /tmp/budget-etl-review-*.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from budget_etl.settings import use_settings
from tests.web.conftest import MARKUP_PROJECT, TOKEN, settings_for
from tests.web.pdfs import plan_pdf

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def require_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = "Debian's chromium is not installed (make browser installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (dev extras)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"BROWSER TEST CANNOT RUN IN CI: {problem}")
        pytest.skip(f"BROWSER TEST SKIPPED: {problem}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_pipeline(paths: list[Path], settings) -> None:
    from flows.run_files import run_files

    with use_settings(settings):  # flows read their settings from the enclosing scope
        run_files(inputs=[str(p) for p in paths])


@pytest.fixture
def served(tmp_path: Path, prefect_api: str):
    require_browser()
    settings = settings_for(f"sqlite:///{tmp_path / 'review.db'}", tmp_path)
    files = {"wrong-plan.pdf": plan_pdf("示例县测试局"),
             "markup.pdf": plan_pdf("示例县测试二局", "9.00", project=MARKUP_PROJECT)}
    inputs = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        inputs.append(tmp_path / name)
    run_pipeline([*inputs, CORPUS / "004-a.pdf", CORPUS / "000-a.pdf"], settings)
    port = free_port()
    env = {**os.environ, "BUDGET_ETL_REVIEW_TOKEN": TOKEN, "BUDGET_ETL_DATA_DIR": str(tmp_path),
           "BUDGET_ETL_RAW_STORE_URL": settings.resolved_raw_store_url(),
           "BUDGET_ETL_REPORTS_DIR": str(settings.resolved_reports_dir()),
           "BUDGET_ETL_DATABASE_URL": settings.resolved_database_url(), "PREFECT_API_URL": prefect_api,
           "BUDGET_ETL_EXTRACT_ISOLATED": "false"}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "budget-etl"), "serve", "--host", "127.0.0.1", f"--port={port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the review app did not start: " + (tmp_path / "server.log").read_text()[-4000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        print((tmp_path / "server.log").read_text(errors="replace")[-6000:])  # shown when the test fails


def item_link(page, text: str) -> str:
    row = page.locator("#queue tr", has_text=text).first
    return row.locator("a").first.get_attribute("href") or ""


def test_a_reviewer_corrects_waives_and_retries_in_a_real_browser(served: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{served}/items")
        expect(page.locator('[data-state="open"]')).to_have_text("3")
        page.screenshot(path="/tmp/budget-etl-review-queue.png", full_page=True)

        wrong, big, markup = (item_link(page, t) for t in ("示例县测试局", "人力资源", "示例县测试二局"))
        assert wrong and big and markup

        page.goto(served + wrong)
        image = page.locator("img.page-image").first
        expect(image).to_be_visible()
        assert page.evaluate("img => img.complete && img.naturalWidth > 100", image.element_handle())
        expect(page.locator('[data-cell="plan_dec"]').first).to_have_text("8.00")
        page.screenshot(path="/tmp/budget-etl-review-item.png", full_page=True)

        page.click("text=Sign in")
        page.fill('input[name="name"]', "审核员 Wang")
        page.fill('input[name="token"]', TOKEN)
        page.click('button[type="submit"]')
        page.goto(served + wrong)
        form = page.locator("form.correct-form").first
        form.locator('input[name="new"]').fill("100.00")
        form.locator('input[name="reason"]').fill("the PDF prints 100.00; 8.00 was a misprint in the feed")
        form.locator('button[type="submit"]').click()
        expect(page.locator("#status")).to_have_text("resolved", timeout=180_000)
        expect(page.locator("#corrections")).to_contain_text("审核员 Wang")
        page.screenshot(path="/tmp/budget-etl-review-corrected.png", full_page=True)

        page.goto(served + big)
        page.fill('#waive-form input[name="reason"]', "plan percentages printed as amounts by the publisher")
        page.click('#waive-form button[type="submit"]')
        expect(page.locator("#status")).to_have_text("waived", timeout=60_000)

        page.goto(served + markup)
        page.click('#retry-form button[type="submit"]')
        expect(page.locator("#done")).to_contain_text("retried by 审核员 Wang: now open", timeout=180_000)
        expect(page.locator("#meta")).to_contain_text("attempt 2")

        page.goto(f"{served}/items")
        expect(page.locator('[data-state="open"]')).to_have_text("1")
        expect(page.locator('[data-state="resolved"]')).to_have_text("1")
        expect(page.locator('[data-state="waived"]')).to_have_text("1")
        page.screenshot(path="/tmp/budget-etl-review-queue-after.png", full_page=True)
        browser.close()
