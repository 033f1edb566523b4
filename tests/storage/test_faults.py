"""Faults against the real databases: concurrent writers, connections refused or killed mid-write."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, func, select

from budget_etl.errors import Reason, Stage, StoreError
from storage.engine import make_engine
from storage.models import RECORD_MODELS, DocumentTable, DocumentVersion, ProjectIndicator
from storage.repository import Repository
from tests.plugins.db import _libpq
from tests.storage.samples import make_document, record_count

ROOT = Path(__file__).resolve().parents[2]
LABELS = [f"race-{n}" for n in range(8)]


def rows_in(repository: Repository) -> int:
    models = [*RECORD_MODELS.values(), ProjectIndicator, DocumentTable, DocumentVersion]
    with repository.engine.connect() as conn:
        return sum(int(conn.scalar(select(func.count()).select_from(m)) or 0) for m in models)


def test_two_processes_storing_the_same_files_leave_one_copy(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.storage.store_worker", db_url, str(go), *order],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in (LABELS, list(reversed(LABELS)))
    ]
    go.touch()
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    first, second = (list(map(int, out.split())) for out, _ in outputs)
    assert first == list(reversed(second))  # both processes agree on every file's one version

    engine = make_engine(db_url)
    repository = Repository(engine)
    with engine.connect() as conn:
        versions = conn.scalar(select(func.count()).select_from(DocumentVersion))
    expected = sum(record_count(make_document(label)) for label in LABELS)
    tables = sum(len(make_document(label).tables) for label in LABELS)
    assert versions == len(LABELS)
    assert rows_in(repository) == expected + tables + len(LABELS)
    engine.dispose()


def test_refused_connection_is_a_transient_database_unavailable_error() -> None:
    repository = Repository(make_engine("postgresql://postgres@127.0.0.1:1/nothing", connect_timeout_s=2))
    with pytest.raises(StoreError) as raised:
        repository.accept_document(make_document(), [], report_uri=None)
    assert raised.value.reason is Reason.DATABASE_UNAVAILABLE
    assert raised.value.transient is True
    assert "127.0.0.1" in raised.value.message


def test_unopenable_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory.db"
    directory.mkdir()
    with pytest.raises(StoreError) as raised:
        Repository(make_engine(f"sqlite:///{directory}")).document_state("0" * 64)
    assert raised.value.reason is Reason.DATABASE_UNAVAILABLE


def test_unmigrated_database_says_to_run_db_upgrade(blank_db_url: str) -> None:
    engine = make_engine(blank_db_url)
    with pytest.raises(StoreError, match="budget-etl db upgrade"):
        Repository(engine).list_reviews()
    engine.dispose()


def test_sqlite_locked_by_another_writer_gives_up_with_a_transient_error(sqlite_url: str) -> None:
    holder = make_engine(sqlite_url)
    repository = Repository(make_engine(sqlite_url, busy_timeout_ms=200))
    doc = make_document()
    with holder.connect() as conn:
        conn.begin()  # BEGIN IMMEDIATE: holds the write lock
        with pytest.raises(StoreError) as raised:
            repository.accept_document(doc, [], report_uri=None)
        conn.rollback()
    assert raised.value.reason is Reason.DATABASE_UNAVAILABLE and raised.value.transient
    assert rows_in(repository) == 0
    repository.accept_document(doc, [], report_uri=None)  # lock gone: the retry succeeds
    assert repository.document_state(doc.document.sha256) == "accepted"


@pytest.mark.postgres
def test_connection_killed_mid_document_leaves_no_partial_rows_and_retry_succeeds(
    pg_url: str, pg_admin_url: str
) -> None:
    engine = make_engine(pg_url)
    repository = Repository(engine)
    doc = make_document()
    inserts = {"n": 0}
    killed = threading.Event()

    def kill_after_some_inserts(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT"):
            inserts["n"] += 1
            if inserts["n"] == 4 and not killed.is_set():
                pid = conn.connection.dbapi_connection.info.backend_pid
                with psycopg.connect(_libpq(pg_admin_url), autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                killed.set()

    event.listen(engine, "before_cursor_execute", kill_after_some_inserts)
    with pytest.raises(StoreError) as raised:
        repository.accept_document(doc, [], report_uri=None)
    event.remove(engine, "before_cursor_execute", kill_after_some_inserts)

    assert killed.is_set() and inserts["n"] >= 4
    assert raised.value.reason is Reason.DATABASE_UNAVAILABLE and raised.value.transient
    assert rows_in(repository) == 0  # the first three inserts were rolled back with the connection
    version_id = repository.accept_document(doc, [], report_uri=None)
    assert rows_in(repository) == record_count(doc) + len(doc.tables) + 1
    assert repository.document_state(doc.document.sha256) == "accepted" and version_id
    engine.dispose()


@pytest.mark.postgres
def test_store_failure_can_itself_be_queued_for_review(pg_url: str) -> None:
    """The flow's path: a store fault → send_to_review(stage=store) on a healthy connection."""
    engine = make_engine(pg_url)
    repository = Repository(engine)
    doc = make_document()
    doc.tables[1].records[1]["total"] = 10**20  # numeric overflow: PostgreSQL refuses the row
    with pytest.raises(StoreError) as raised:
        repository.accept_document(doc, [], report_uri=None)
    assert raised.value.reason is Reason.STORE_FAILED
    item = repository.send_to_review(
        sha256=doc.document.sha256,
        source_url=None,
        stage=Stage.STORE,
        reason=raised.value.reason.value,
        message=raised.value.message,
        findings=[],
        report_uri=None,
    )
    assert repository.get_review(item).item.stage == "store"
    assert rows_in(repository) == 0
    engine.dispose()


def test_concurrent_failures_of_one_file_share_one_open_item(db_url: str) -> None:
    """Two workers failing the same file at once: the partial unique index admits one open item."""
    from concurrent.futures import ThreadPoolExecutor

    engine = make_engine(db_url)
    repository = Repository(engine)
    sha = make_document("twice").document.sha256
    barrier = threading.Barrier(4)

    def fail_once(n: int) -> int:
        barrier.wait()
        return repository.send_to_review(
            sha256=sha,
            source_url=None,
            stage=Stage.EXTRACT,
            reason="corrupt_pdf",
            message=f"worker {n}",
            findings=[],
            report_uri=None,
        )

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(fail_once, range(4)))
    assert len(set(ids)) == 1
    [item] = repository.list_reviews()
    assert item.attempts == 4
    engine.dispose()
