"""The retry and correct routes end to end: the real ``retry_reviews`` flow on the Prefect harness."""

from __future__ import annotations

from decimal import Decimal

from tests.web.conftest import TOKEN, Seeded, client_for, csrf_of, repository_of, sign_in


def test_retry_from_the_page_runs_the_flow_and_counts_an_attempt(
    seeded_sqlite: Seeded, prefect_api: str
) -> None:
    client = client_for(seeded_sqlite.settings)
    sign_in(client, "审核员 Sun")
    item = seeded_sqlite.items["markup"]
    page = client.post(f"/items/{item}/retry", data={"csrf": csrf_of(client, item)})
    assert page.status_code == 200 and "retried by 审核员 Sun: now open" in page.text
    detail = repository_of(seeded_sqlite).get_review(item)
    assert detail.item.attempts == 2 and detail.item.status == "open"
    actions = [(h["action"], h["actor"]) for h in detail.history]
    assert ("retry_by_person", "审核员 Sun") in actions and ("attempt_failed", "budget-etl") in actions


def test_a_correction_by_a_script_revalidates_and_resolves_the_item(
    seeded_sqlite: Seeded, prefect_api: str
) -> None:
    client = client_for(seeded_sqlite.settings)
    item = seeded_sqlite.items["plan"]
    response = client.post(
        f"/items/{item}/correct",
        data={"table_position": "0", "row_index": "0", "field": "plan_dec", "old": "8.00", "new": "100%",
              "reason": "the PDF prints 100%"},
        headers={"Authorization": f"Bearer {TOKEN}", "X-Review-Actor": "import-script"},
    )
    assert response.status_code == 200 and "item is resolved" in response.text
    repository = repository_of(seeded_sqlite)
    detail = repository.get_review(item)
    assert detail.item.status == "resolved" and detail.version_state == "accepted"
    [made] = repository.corrections(detail.item.sha256 or "")
    assert made.status == "active" and made.actor == "import-script"
    assert Decimal(str(made.new_value)) == Decimal("100")
