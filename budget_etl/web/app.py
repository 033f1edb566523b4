"""The review web app: server-rendered pages over the repository, actions through the shared paths.

Routes (issue 13's artifacts link to ``<BUDGET_ETL_REVIEW_BASE_URL>/items/<id>``):

* ``GET /items`` — the queue, open first; filters ``status``, ``publisher``, ``stage``, ``reason``, ``check``.
* ``GET /items/<id>`` — one item: metadata, why, every finding with the outlined page region and
  the row as extracted, the tables concerned, corrections, history, and the action forms.
* ``GET /items/<id>/evidence/<n>.png`` — finding ``n``'s page region, record and cell outlined.
* ``GET /items/<id>/report`` / ``/raw`` — the HTML validation report / the stored file.
* ``POST /items/<id>/waive|retry|correct`` — actions (``budget_etl.review_actions``), token required.
* ``GET|POST /login``, ``POST /logout`` — sign in with the operator's token and your name.

No business logic here: every rule is in ``storage`` and every action in ``budget_etl.review_actions``.
Everything from documents reaches the page through Jinja2 with autoescaping on.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from budget_etl.errors import BudgetEtlError, Reason
from budget_etl.settings import Settings
from budget_etl.web import access
from budget_etl.web.evidence import cell_boxes, locate, render_region
from storage.engine import make_engine
from storage.raw_store import RawStore
from storage.records import format_decimal
from storage.repository import Repository
from storage.review_pages import (
    QueueFilter,
    correction_history,
    item_publisher,
    read_queue,
    read_tables,
    version_meta,
)

PAGE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
PLAIN_DECIMAL = re.compile(r"-?\d+\.\d+")
STATUS_OF_REASON = {
    Reason.UNKNOWN_REVIEW_ITEM: 404,
    Reason.ACCESS_DENIED: 403,
    Reason.CORRECTION_CONFLICT: 409,
    Reason.INVALID_STATE: 409,
    Reason.INVALID_CORRECTION: 400,
    Reason.RAW_FILE_MISSING: 404,
    Reason.DATABASE_UNAVAILABLE: 503,
}


def templates() -> Environment:
    """Jinja2 with autoescaping for every template (department names and cells are untrusted)."""
    env = Environment(
        loader=PackageLoader("budget_etl.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = cell_text
    return env


def cell_text(value: Any) -> str:
    """A cell as printed: amounts with two decimals unless they carry more (like the exports)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value):
        return format_decimal(Decimal(value))  # a stored amount ("8.0000") as printed
    if isinstance(value, list):
        return f"{len(value)} items"
    return str(value)


class ReviewApp:
    """The state one app instance serves from: settings, one engine, the raw store, templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.resolved_database_url())
        self.repository = Repository(self.engine)
        self.raw_store = RawStore(settings.resolved_raw_store_url())
        self.env = templates()

    @property
    def token(self) -> str | None:
        secret = self.settings.review_token
        value = secret.get_secret_value() if secret is not None else ""
        return value or None

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        session = access.read_session(self.token, request.cookies.get(access.SESSION_COOKIE))
        csrf = access.csrf_token(self.token, session) if session and self.token else ""
        html = self.env.get_template(name).render(
            session=session, csrf=csrf, actions_enabled=bool(self.token), **context
        )
        return HTMLResponse(html, status_code=status, headers=security_headers(PAGE_POLICY))

    def acting(self, request: Request, form: dict[str, str]) -> str:
        """The name an action is audited with, after the token / session + CSRF checks."""
        token = self.token
        if not token:
            raise access.AccessDenied(
                Reason.ACCESS_DENIED,
                "review actions are disabled: the operator has not configured BUDGET_ETL_REVIEW_TOKEN",
            )
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            if not access.token_matches(token, header[7:].strip()):
                raise access.AccessDenied(Reason.ACCESS_DENIED, "the bearer token is not the operator's")
            return access.clean_actor(request.headers.get("x-review-actor") or form.get("actor"))
        session = access.read_session(token, request.cookies.get(access.SESSION_COOKIE))
        if session is None:
            raise access.AccessDenied(Reason.ACCESS_DENIED, "sign in with the operator's token to act")
        expected = access.csrf_token(token, session)
        if not access.token_matches(expected, form.get("csrf")):
            raise access.AccessDenied(Reason.ACCESS_DENIED, "the form's CSRF token is missing or stale")
        return session.actor


def security_headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def item_url(item_id: int, **message: str) -> str:
    query = urlencode({k: v for k, v in message.items() if v})
    return f"/items/{item_id}" + (f"?{query}" if query else "")


def create_app(settings: Settings) -> FastAPI:
    """The ASGI app over ``settings``' database and raw store (schema migrated first)."""
    from storage.migrate import upgrade

    upgrade(settings.resolved_database_url())
    state = ReviewApp(settings)
    app = FastAPI(title="budget-etl review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.review = state

    @app.exception_handler(BudgetEtlError)
    async def domain_error(request: Request, error: BudgetEtlError) -> HTMLResponse:
        status = STATUS_OF_REASON.get(error.reason, 400)
        item_id = request.path_params.get("item_id")
        return state.page(request, "error.html", status=status, error=error, item_id=item_id)

    async def form_of(request: Request) -> dict[str, str]:
        form = await request.form()
        return {k: str(v) for k, v in form.items()}

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/items", status_code=303)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/items", response_class=HTMLResponse)
    def queue(
        request: Request,
        status: str | None = None,
        publisher: str | None = None,
        stage: str | None = None,
        reason: str | None = None,
        check: str | None = None,
    ) -> HTMLResponse:
        wanted = QueueFilter(status=status or None, publisher=publisher or None, stage=stage or None,
                             reason=reason or None, check=check or None)
        return state.page(request, "queue.html", queue=read_queue(state.engine, wanted), wanted=wanted)

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item(
        request: Request, item_id: int, done: str | None = None, error: str | None = None
    ) -> HTMLResponse:
        detail = state.repository.get_review(item_id)
        tables = read_tables(state.engine, detail.version_id)
        evidence = locate(detail.findings, tables)
        concerned = sorted({e.table.position for e in evidence if e.table is not None})
        bad_cells = {
            (e.table.position, e.record["_row_index"], e.field)
            for e in evidence
            if e.table is not None and e.record is not None and e.field
        }
        corrections = state.repository.corrections(detail.item.sha256) if detail.item.sha256 else []
        return state.page(
            request, "item.html", detail=detail, item=detail.item, evidence=evidence,
            tables=[t for t in tables if t.position in concerned], all_tables=tables, bad_cells=bad_cells,
            corrections=corrections, correction_log=correction_history(state.engine, item_id),
            publisher=item_publisher(state.engine, item_id),
            meta=version_meta(state.engine, detail.version_id),
            can_correct=detail.item.status == "open" and detail.version_state == "in_review",
            done=done, flash_error=error,
        )

    @app.get("/items/{item_id}/evidence/{index}.png")
    def evidence_image(item_id: int, index: int) -> Response:
        detail = state.repository.get_review(item_id)
        if not 0 <= index < len(detail.findings):
            return Response("no such finding", status_code=404, media_type="text/plain")
        found = locate(detail.findings, read_tables(state.engine, detail.version_id))[index]
        if found.page is None or not detail.item.sha256:
            return Response("this finding has no page to show", status_code=404, media_type="text/plain")
        pdf = state.raw_store.get(detail.item.sha256)
        cells = cell_boxes(pdf, found.page, found.bbox, found.value, found.field) if found.bbox else []
        png = render_region(pdf, found.page, found.bbox, cells)
        headers = {"X-Outlined-Cells": str(len(cells)), "X-Page": str(found.page)}
        return Response(png, media_type="image/png", headers={**headers, "Cache-Control": "no-store"})

    @app.get("/items/{item_id}/report")
    def report(item_id: int) -> Response:
        detail = state.repository.get_review(item_id)
        path = Path(detail.report_uri) if detail.report_uri else None
        reports = settings.resolved_reports_dir()
        if path is None or not path.is_file() or not path.resolve().is_relative_to(reports):
            return Response("no validation report for this item", status_code=404, media_type="text/plain")
        return HTMLResponse(path.read_text(encoding="utf-8"), headers=security_headers(REPORT_POLICY))

    @app.get("/items/{item_id}/raw")
    def raw(item_id: int) -> Response:
        detail = state.repository.get_review(item_id)
        if not detail.item.sha256:
            return Response("nothing was stored for this item", status_code=404, media_type="text/plain")
        data = state.raw_store.get(detail.item.sha256)
        is_pdf = data.startswith(b"%PDF")
        disposition = "inline" if is_pdf else "attachment"
        return Response(
            data, media_type="application/pdf" if is_pdf else "application/octet-stream",
            headers={"Content-Disposition": f'{disposition}; filename="{detail.item.sha256[:12]}.pdf"',
                     "X-Content-Type-Options": "nosniff"},
        )

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/items") -> HTMLResponse:
        return state.page(request, "login.html", next=safe_next(next), failed=False)

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await form_of(request)
        target = safe_next(form.get("next", "/items"))
        if not access.token_matches(state.token, form.get("token")):
            return state.page(request, "login.html", status=403, next=target, failed=True)
        cookie = access.issue_session(state.token or "", access.clean_actor(form.get("name")))
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(access.SESSION_COOKIE, cookie, max_age=access.SESSION_SECONDS, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
        return response

    @app.post("/logout")
    async def logout() -> Response:
        response = RedirectResponse("/items", status_code=303)
        response.delete_cookie(access.SESSION_COOKIE)
        return response

    @app.post("/items/{item_id}/waive")
    async def waive(request: Request, item_id: int) -> Response:
        form = await form_of(request)
        actor = state.acting(request, form)
        from budget_etl.review_actions import waive_item

        await run_blocking(waive_item, item_id, reason=form.get("reason", ""), actor=actor, settings=settings)
        return RedirectResponse(item_url(item_id, done=f"waived by {actor}"), status_code=303)

    @app.post("/items/{item_id}/retry")
    async def retry(request: Request, item_id: int) -> Response:
        form = await form_of(request)
        actor = state.acting(request, form)
        state.repository.get_review(item_id)  # unknown id → 404 before any flow runs
        from budget_etl.review_actions import retry_items

        await run_blocking(retry_items, [item_id], settings, actor=actor)
        after = state.repository.get_review(item_id).item
        return RedirectResponse(item_url(item_id, done=f"retried by {actor}: now {after.status}"),
                                status_code=303)

    @app.post("/items/{item_id}/correct")
    async def correct(request: Request, item_id: int) -> Response:
        form = await form_of(request)
        actor = state.acting(request, form)
        from budget_etl.review_actions import correct_cell

        try:
            table_position, row_index = int(form.get("table_position", "")), int(form.get("row_index", ""))
        except ValueError as exc:
            problem = "table_position and row_index must be numbers"
            raise BudgetEtlError(Reason.INVALID_CORRECTION, problem) from exc
        result = await run_blocking(
            correct_cell, item_id, table_position=table_position, row_index=row_index,
            field=form.get("field", ""), old=form.get("old", ""), new=form.get("new", ""),
            reason=form.get("reason", ""), actor=actor, settings=settings,
        )
        done = (f"corrected {result.correction.cell} to {result.correction.new_value} by {actor}; "
                f"re-validated: item is {result.item.item.status}")
        return RedirectResponse(item_url(item_id, done=done), status_code=303)

    return app


async def run_blocking(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking action (a Prefect flow, a transaction) off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args, **kwargs)


def safe_next(target: str) -> str:
    """Only local paths after sign-in (an open redirect would hand the session to another site)."""
    local = target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
    return target if local else "/items"
