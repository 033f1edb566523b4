"""The operator's view, in a real browser: after a demo run, the runs list filtered to documents in review.

A real ``prefect server start`` on 127.0.0.1 (UI and API), the real ``budget-etl demo`` and
``budget-etl deploy`` pointed at it, and Debian's headless chromium driven by Playwright. The
check: the runs page filtered by the tag ``outcome:review`` lists exactly the documents the
demo sent to review. Screenshots go to ``$BUDGET_ETL_SCREENSHOTS`` (default
``/tmp/budget-etl-ui``): the runs list, one document in review, the custom retry form.

One command: ``.venv/bin/python -m pytest -q -p no:cacheprovider tests/flows/test_ui_browser.py``
(skipped LOUDLY when chromium or Playwright is missing; ``make browser`` installs chromium).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.flows.prefect_server import QUIET, chromium_page, prefect_server, require_browser

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SHOTS = Path(os.environ.get("BUDGET_ETL_SCREENSHOTS", "/tmp/budget-etl-ui"))
REVIEW_APP = "http://127.0.0.1:8000"
RUN_LINKS = "a[href*='/runs/flow-run/']"


@dataclass
class Operated:
    base: str  # the Prefect server: UI under /v2 (where / sends a browser), API under /api
    demo: dict[str, Any]
    runs: list[dict[str, Any]]  # every flow run on the server, as the API returns them


def api(base: str, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{base}/api{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def operated(tmp_path_factory) -> Operated:
    require_browser()
    tmp = Path(tmp_path_factory.mktemp("ui-browser"))
    (tmp / "server").mkdir()
    with prefect_server(tmp / "server") as base:
        env = {
            **os.environ, **QUIET, "PREFECT_API_URL": f"{base}/api", "PREFECT_HOME": str(tmp / "client"),
            "BUDGET_ETL_DATA_DIR": str(tmp / "data"), "BUDGET_ETL_DEMO_PORT": "0",
            "BUDGET_ETL_REVIEW_BASE_URL": REVIEW_APP,
            "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true",  # the demo's publisher is on 127.0.0.1
        }
        env.pop("BUDGET_ETL_DATABASE_URL", None)
        demo = subprocess.run([str(BIN / "budget-etl"), "demo", "--json"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert demo.returncode in (0, 1) and demo.stdout.strip(), demo.stderr[-3000:]
        deploy = subprocess.run([str(BIN / "budget-etl"), "deploy"], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
        runs = api(base, "/flow_runs/filter", {"limit": 200, "offset": 0, "sort": "START_TIME_DESC"})
        yield Operated(base, json.loads(demo.stdout), runs)


def flow_run_ids_on(page: Any) -> set[str]:
    """The flow runs a runs-list page shows: the ids its run links point at."""
    hrefs = page.eval_on_selector_all(RUN_LINKS, "els => els.map(e => e.getAttribute('href'))")
    return {h.rstrip("/").split("/runs/flow-run/")[1].split("?")[0] for h in hrefs}


def in_review_run_ids(operated: Operated) -> set[str]:
    """The ``process-document`` runs of the documents the demo reported as in review."""
    urls = {d["source_url"] for d in operated.demo["documents"] if d["status"] == "in_review"}
    assert urls, f"the demo sends at least one document to review: {operated.demo['documents']}"
    runs = [r for r in operated.runs if r["parameters"].get("source_url") in urls]
    assert len(runs) == len(urls)
    return {r["id"] for r in runs}


def test_the_runs_page_filtered_by_outcome_review_lists_exactly_the_documents_in_review(operated):
    SHOTS.mkdir(parents=True, exist_ok=True)
    expected = in_review_run_ids(operated)

    with chromium_page() as page:
        page.goto(f"{operated.base}/v2/runs?tags=outcome:review", wait_until="networkidle")
        page.wait_for_selector(RUN_LINKS, timeout=30_000)
        shown = flow_run_ids_on(page)
        page.screenshot(path=str(SHOTS / "runs-in-review.png"), full_page=True)
        assert "In review" in page.inner_text("body")

        page.goto(f"{operated.base}/v2/runs", wait_until="networkidle")
        page.wait_for_selector(RUN_LINKS, timeout=30_000)
        everything = flow_run_ids_on(page)
        page.screenshot(path=str(SHOTS / "runs-after-demo.png"), full_page=True)

    assert shown == expected
    assert expected < everything, "the unfiltered list also shows the accepted documents and the ingest"


def test_a_document_in_review_shows_its_state_reason_and_tags(operated):
    [run_id, *_] = sorted(in_review_run_ids(operated))
    item = next(d for d in operated.demo["documents"] if d["status"] == "in_review")

    with chromium_page() as page:
        page.goto(f"{operated.base}/v2/runs/flow-run/{run_id}", wait_until="networkidle")
        page.wait_for_selector("text=In review", timeout=30_000)
        page.wait_for_selector("text=Finished in state In review", timeout=60_000)  # the Logs tab
        body = page.inner_text("body")
        page.screenshot(path=str(SHOTS / "document-in-review.png"), full_page=True)

    assert "outcome:review" in body
    assert f"{item['stage']}/{item['reason']}" in body, "the final state's message says why"


def test_the_custom_retry_form_asks_for_item_ids_and_offers_no_settings(operated):
    [deployment] = api(operated.base, "/deployments/filter", {
        "limit": 10, "offset": 0, "deployments": {"name": {"any_": ["by-hand"]}}})

    with chromium_page() as page:
        form = f"{operated.base}/v2/deployments/deployment/{deployment['id']}/run"
        page.goto(form, wait_until="networkidle")
        page.wait_for_selector("text=item_ids", timeout=30_000)
        body = page.inner_text("body")
        page.screenshot(path=str(SHOTS / "custom-retry-form.png"), full_page=True)

    assert "leave empty to retry every open item" in body, "the field's help text is in the form"
    assert "database_url" not in body and "sources_file" not in body


def test_the_review_report_artifact_links_the_item_in_the_review_app(operated):
    item = next(d for d in operated.demo["documents"] if d["status"] == "in_review")
    key = f"review-item-{item['review_item_id']}"
    [latest, *_] = api(operated.base, "/artifacts/filter", {
        "limit": 5, "offset": 0, "sort": "CREATED_DESC", "artifacts": {"key": {"any_": [key]}}})

    with chromium_page() as page:
        page.goto(f"{operated.base}/v2/artifacts/artifact/{latest['id']}", wait_until="networkidle")
        page.wait_for_selector("text=Findings", timeout=30_000)
        hrefs = set(page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"))
        page.screenshot(path=str(SHOTS / "review-artifact.png"), full_page=False)

    item_page = f"{REVIEW_APP}/items/{item['review_item_id']}"
    assert {item_page, f"{item_page}/raw", f"{item_page}/report"} <= hrefs
