"""The review app's routes over a real database holding real pipeline output (no Prefect needed)."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from budget_etl.errors import Reason, ReviewError
from budget_etl.web.access import check_serving
from storage.engine import make_engine
from storage.repository import Repository
from tests.web.conftest import (
    MARKUP_PROJECT,
    TOKEN,
    Seeded,
    client_for,
    csrf_of,
    repository_of,
    settings_for,
    sign_in,
)


def red_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g < 40 and b < 40)


def test_the_queue_lists_open_items_with_counts_and_filters(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    page = client.get("/items")
    assert page.status_code == 200
    assert 'data-state="open">2<' in page.text
    assert "projects.plan_order" in page.text
    only = client.get("/items", params={"check": "projects.plan_order", "stage": "validate"}).text
    assert f'data-item="{seeded.items["plan"]}"' in only
    none = client.get("/items", params={"reason": "not_pdf"}).text
    assert "data-item=" not in none and "match these filters" in none


def test_an_item_shows_why_with_the_row_as_extracted_and_its_evidence(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    item = seeded.items["plan"]
    page = client.get(f"/items/{item}").text
    assert "projects.plan_order" in page and "validation_errors" in page
    assert 'data-cell="plan_dec">8.00<' in page  # the offending cell, marked in the row
    assert f'src="/items/{item}/evidence/0.png"' in page
    assert f'href="/items/{item}/report"' in page


def test_the_evidence_image_outlines_the_cell_that_reads_the_wrong_value(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    response = client.get(f"/items/{seeded.items['plan']}/evidence/0.png")
    assert response.status_code == 200
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert response.headers["x-outlined-cells"] == "1" and response.headers["x-page"] == "1"
    assert red_pixels(response.content) > 100  # the cell's red outline is drawn


def test_report_and_raw_file_are_served(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    item = seeded.items["plan"]
    report = client.get(f"/items/{item}/report")
    assert report.status_code == 200 and "validation report" in report.text
    assert "default-src 'none'" in report.headers["content-security-policy"]
    raw = client.get(f"/items/{item}/raw")
    assert raw.status_code == 200 and raw.content == seeded.pdfs["plan"]


def test_markup_from_a_document_is_escaped_everywhere(seeded: Seeded) -> None:
    from markupsafe import escape

    client = client_for(seeded.settings)
    item = seeded.items["markup"]
    page = client.get(f"/items/{item}").text
    assert MARKUP_PROJECT not in page and "<script>" not in page
    assert str(escape(MARKUP_PROJECT)) in page  # the cell, in the row and the finding, shown as text
    assert "<script>" not in client.get("/items").text


@pytest.mark.parametrize("path", ["", "/evidence/0.png", "/report", "/raw"])
def test_unknown_items_are_404(seeded: Seeded, path: str) -> None:
    response = client_for(seeded.settings).get(f"/items/99999{path}")
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["waive", "retry", "correct"])
def test_actions_are_refused_without_the_token(seeded: Seeded, action: str, tmp_path) -> None:
    item = seeded.items["plan"]
    form = {"reason": "x", "table_position": "0", "row_index": "0", "field": "plan_dec", "old": "8.00",
            "new": "100"}
    anonymous = client_for(seeded.settings)
    assert anonymous.post(f"/items/{item}/{action}", data=form).status_code == 403
    wrong = anonymous.post(f"/items/{item}/{action}", data=form,
                           headers={"Authorization": "Bearer nope", "X-Review-Actor": "x"})
    assert wrong.status_code == 403
    signed_in = client_for(seeded.settings)
    sign_in(signed_in)
    no_csrf = signed_in.post(f"/items/{item}/{action}", data=form)
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
    disabled = client_for(settings_for(seeded.settings.database_url or "", tmp_path, token=None))
    refused = disabled.post(f"/items/{item}/{action}", data=form)
    assert refused.status_code == 403 and "BUDGET_ETL_REVIEW_TOKEN" in refused.text
    after = repository_of(seeded).get_review(item)
    assert after.item.status == "open" and after.item.attempts == 1
    assert [h["action"] for h in after.history] == ["open"]


def test_a_wrong_token_does_not_sign_in(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    response = client.post("/login", data={"name": "x", "token": "guess"})
    assert response.status_code == 403
    assert "budget_etl_review" not in response.cookies


def test_waive_from_the_page_is_audited_with_the_signed_in_name(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    sign_in(client, "审核员 Li")
    item = seeded.items["plan"]
    form = {"reason": "printed so", "csrf": csrf_of(client, item)}
    response = client.post(f"/items/{item}/waive", data=form)
    assert response.status_code == 200  # followed the redirect to the item page
    assert "waived by 审核员 Li" in response.text
    detail = repository_of(seeded).get_review(item)
    assert detail.item.status == "waived"
    assert detail.history[-1]["actor"] == "审核员 Li" and detail.history[-1]["reason"] == "printed so"


def test_a_stale_old_value_is_refused_and_the_reviewer_told_the_current_one(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    sign_in(client)
    item = seeded.items["plan"]
    response = client.post(f"/items/{item}/correct", data={
        "table_position": "0", "row_index": "0", "field": "plan_dec", "old": "7.00", "new": "100",
        "reason": "misread", "csrf": csrf_of(client, item)})
    assert response.status_code == 409
    assert "now holds 8.00" in response.text


def test_concurrent_corrections_of_one_cell_one_wins_the_other_is_told(seeded: Seeded) -> None:
    url = seeded.settings.resolved_database_url()
    item = seeded.items["plan"]
    results: list[object] = []
    barrier = threading.Barrier(2)

    def correct(new: str, actor: str) -> None:
        repository = Repository(make_engine(url))
        barrier.wait()
        try:
            results.append(repository.correct_cell(item, table_position=0, row_index=0, field="plan_dec",
                                                   old="8.00", new=new, reason="misread", actor=actor))
        except ReviewError as error:
            results.append(error)
        finally:
            repository.engine.dispose()

    threads = [threading.Thread(target=correct, args=(v, a)) for v, a in (("100", "A"), ("90", "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r for r in results if isinstance(r, ReviewError)]
    wins = [r for r in results if not isinstance(r, ReviewError)]
    assert len(wins) == 1 and len(errors) == 1
    assert errors[0].reason is Reason.CORRECTION_CONFLICT
    assert f"now holds {wins[0].new_value}" in errors[0].message  # type: ignore[union-attr]
    repository = repository_of(seeded)
    stored = repository.corrections(repository.get_review(item).item.sha256 or "")
    assert [c.status for c in stored] == ["active"]


def test_a_non_loopback_host_needs_a_token() -> None:
    check_serving("127.0.0.1", None)
    check_serving("::1", None)
    check_serving("0.0.0.0", "t")
    with pytest.raises(Exception, match="BUDGET_ETL_REVIEW_TOKEN"):
        check_serving("0.0.0.0", None)


def test_serve_refuses_a_public_host_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from budget_etl.cli import app
    from budget_etl.settings import get_settings

    monkeypatch.delenv("BUDGET_ETL_REVIEW_TOKEN", raising=False)
    get_settings.cache_clear()  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2
    assert "BUDGET_ETL_REVIEW_TOKEN" in (result.stderr or result.output)


def test_a_value_printed_twice_in_a_form_is_outlined_under_its_own_column(sqlite_url: str, tmp_path) -> None:
    """004-a's plan cells (200.00 under 3月底 while the form also prints ≥200 人 …): one cell per finding."""
    from pathlib import Path

    from storage.raw_store import RawStore
    from tests.web.conftest import OPEN_ENGINES, store_reading

    settings = settings_for(sqlite_url, tmp_path)
    engine = make_engine(sqlite_url)
    OPEN_ENGINES.append(engine)
    repository = Repository(engine)
    pdf = (Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "004-a.pdf").read_bytes()
    item = store_reading(repository, RawStore(settings.resolved_raw_store_url()), settings, pdf)
    assert item is not None
    client = client_for(settings)
    findings = repository.get_review(item).findings
    plan = [i for i, f in enumerate(findings) if (f["field"] or "").startswith("plan_")]
    assert len(plan) >= 10
    for index in plan:
        response = client.get(f"/items/{item}/evidence/{index}.png")
        assert response.headers["x-outlined-cells"] == "1", findings[index]
    Path("/tmp/budget-etl-review-004a-evidence.png").write_bytes(client.get(f"/items/{item}/evidence/3.png").content)
    while OPEN_ENGINES:
        OPEN_ENGINES.pop().dispose()


def test_sign_in_only_redirects_to_local_pages(seeded: Seeded) -> None:
    client = client_for(seeded.settings)
    for target, expected in (("/items/1", "/items/1"), ("//evil.example/x", "/items"),
                             ("/\\evil.example", "/items"), ("https://evil.example", "/items")):
        response = client.post("/login", data={"name": "n", "token": TOKEN, "next": target},
                               follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == expected
        assert "httponly" in response.headers["set-cookie"].lower()
        assert "samesite=strict" in response.headers["set-cookie"].lower()
