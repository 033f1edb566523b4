"""Where a batch's documents are processed: in this process, on every core, or on every worker.

``Settings.runner`` chooses (issue 12). Every mode gives back one ``DocumentOutcome`` per document
— a crash of the machinery itself sends the document to review, it is never dropped — and the
UI shows each document with its name and outcome:

- ``sequential``: one ``process-document`` sub-flow after another (tests, the demo's default): a
  flow run per document, renamed from the document and tagged ``outcome:*`` (issue 13);
- ``processes``: ``runner_workers`` documents at once on Prefect's ``ProcessPoolTaskRunner``
  (spawned processes: extraction and validation on every core), each a ``process document`` task
  run named ``<publisher>-<department>-<year>-<sha8>`` that ends ``Completed``, ``In review`` or
  ``Failed`` with the reason as its message. A task run, not a sub-flow: a sub-flow costs ~15
  blocking API calls per document (create, 3 state changes, rename/tag, its parent task run…),
  a task run's states are events sent in the background (measured by ``bench/throughput.py``);
- ``deployment``: documents grouped ``runner_batch_size`` at a time into runs of
  ``batch_deployment`` (``process-documents/batch``) through ``run_deployment``, ``runner_workers``
  runs in flight, so every worker of the pool takes a share and each run's start-up (a new Python
  process on the worker) is paid once per batch, not per document. On the worker the batch's
  documents are ``process document`` task runs again, on its cores (``BUDGET_ETL_RUNNER_WORKERS`` of
  the worker > 1) or one after another in the run's own process.

A batch thread pool was tried and left out: with two sub-flows in one process, an expected
extraction failure (a Failed task state) was once read back as a completed result.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Literal

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import TagsContext
from prefect.runtime import flow_run

from budget_etl.errors import Stage
from budget_etl.settings import Settings, get_settings, use_settings
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import document_run_name, process_file, run_document, to_review
from flows.states import UnexpectedError, batch_state, final_state
from tasks.retry import configured
from tasks.store.task import document_state

#: how often a ``deployment``-mode batch asks the API whether a batch run has finished
POLL_INTERVAL_S = 5.0

#: where documents run: the configured runners, plus ``here`` (task runs in this thread), which a
#: ``process-documents`` run uses on a worker limited to one process
Mode = Literal["sequential", "here", "processes", "deployment"]

#: the fields of a ``DocumentJob`` a ``process-documents`` run is given per document
JOB_FIELDS = ("sha256", "source_url", "publisher", "department", "year")


@dataclass(frozen=True)
class DocumentJob:
    """One stored file to process and what its run is called with."""

    sha256: str
    source_url: str | None = None
    publisher: str | None = None
    department: str | None = None
    year: int | None = None
    tags: tuple[str, ...] = field(default=())

    def parameters(self) -> dict[str, Any]:
        """The ``process-document`` parameters (never settings: runs read their environment)."""
        return {name: getattr(self, name) for name in JOB_FIELDS}

    @property
    def run_name(self) -> str:
        """``<publisher>-<department>-<year>-<sha8>`` from the sources file: what a person scans for."""
        return document_run_name(self.publisher, self.department, self.year, self.sha256)


def job_of(parameters: dict[str, Any]) -> DocumentJob:
    """The job a ``process-documents`` run was given (unknown keys refused by the deployment)."""
    return DocumentJob(**{name: parameters.get(name) for name in JOB_FIELDS})  # type: ignore[arg-type]


@task(
    name="process document", task_run_name="{job.run_name}", cache_policy=NO_CACHE, persist_result=False,
    retries=0,
)
def process_document_task(job: DocumentJob, settings: Settings) -> Any:
    """One document as one task run: extract → validate → store or review; ends as the outcome says.

    Ends ``Completed``, ``Completed`` named ``In review`` (message: item and reason) or ``Failed``
    (could not even be queued), with the ``DocumentOutcome`` as its in-memory result — nothing is
    persisted for it: a retry starts from the raw file and the cached extraction/validation.
    """
    with use_settings(settings), TagsContext(current_tags=set()):  # untagged tasks: no slot calls
        return final_state(process_file(job.sha256, job.source_url, False, settings))


def prepare_pool_process() -> None:
    """Run once in every pool process as it starts: what each process pays before its first document.

    Spawning a process and importing the pipeline takes ~5 s, building the GX context ~5 s more
    (``tasks.validate.expectation_layer``). Done here, while the batch discovers and fetches, the
    first documents do not wait for it (issue 12). A failure is only logged: the document that
    next needs the context builds it, and reports any error as its own.
    """
    try:
        from tasks.validate.expectation_layer import prepare_expectations

        prepare_expectations()
    except Exception:  # never break the pool: the first document meets the same error and reports it
        logging.getLogger(__name__).warning("could not prepare a pool process", exc_info=True)


@task(name="start pool process", cache_policy=NO_CACHE, persist_result=False, retries=0)
def start_pool_process() -> int:
    """Nothing to do: submitted once per pool process when the pool opens, so every process starts now."""
    return os.getpid()


def outcome_of_task(state: Any) -> DocumentOutcome:
    """The outcome a finished ``process document`` task run carries, whatever its state type."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, DocumentOutcome):
        return result
    raise RuntimeError(f"process document ended {state.name}: {state.message}")


def process_here(job: DocumentJob, settings: Settings, mode: Mode) -> DocumentOutcome:
    """Run one job in this thread: a ``process-document`` sub-flow, or a ``process document`` task."""
    if mode == "sequential":
        with use_settings(settings):
            return run_document(**job.parameters(), run_tags=job.tags)
    return outcome_of_task(process_document_task(job, settings, return_state=True))


def batch_run_name() -> str:
    """``<publisher>-<n>-documents-<first sha8>``: a batch run of ``process-documents``."""
    documents = flow_run.parameters.get("documents") or [{}]
    first = documents[0]
    return f"{first.get('publisher') or 'manual'}-{len(documents)}-documents-{str(first.get('sha256'))[:8]}"


@flow(name="process-documents", flow_run_name=batch_run_name, persist_result=True)
def process_documents(documents: list[dict[str, Any]]) -> Any:
    """Process a batch of files already in the raw store on this worker's cores (``runner=deployment``).

    Each document is a ``process document`` task run named after it; the run ends ``Completed`` or
    ``Needs review`` with the counts. Its result (the outcomes, small) is persisted: the batch that
    started it reads it back. Settings come from the worker's environment: more than one
    ``BUDGET_ETL_RUNNER_WORKERS`` runs that many documents at once.

    Args:
        documents: one entry per file: sha256 (64 hex digits) and, as in the sources file,
            source_url, publisher, department, year.
    """
    settings = get_settings()
    jobs = [job_of(d) for d in documents]
    mode: Mode = "processes" if settings.runner_workers > 1 and len(jobs) > 1 else "here"
    outcomes = process_all(jobs, settings, mode=mode)
    publisher = next((job.publisher for job in jobs if job.publisher), "manual")
    counts = PublisherCounts(publisher=publisher, discovered=len(jobs))
    for outcome in outcomes:
        counts.count(outcome)
    return batch_state(RunSummary(publishers=[counts], outcomes=outcomes), f"{len(jobs)} document(s)")


def run_batch_deployment(jobs: Sequence[DocumentJob], deployment: str) -> Any:
    """Start the jobs as one run of the batch deployment, wait for it; its final state."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        deployment, parameters={"documents": [job.parameters() for job in jobs]},
        tags=sorted({tag for job in jobs for tag in job.tags}), poll_interval=POLL_INTERVAL_S,
        as_subflow=True,
    )
    return run.state


def outcomes_of_batch(state: Any, jobs: Sequence[DocumentJob], settings: Settings) -> list[DocumentOutcome]:
    """Each job's outcome from a finished batch run: its persisted result, else budget-etl's database.

    The result is unreadable here when the worker's result storage is not shared (another machine)
    or the run crashed; the shared database then says what became of each file, and a file it
    has no trace of goes to review with why — never dropped.
    """
    try:
        summary = state.result(raise_on_failure=False)
    except Exception:  # not readable from this machine: ask the database
        summary = None
    if isinstance(summary, RunSummary) and [o.sha256 for o in summary.outcomes] == [j.sha256 for j in jobs]:
        return summary.outcomes
    return [outcome_from_database(job, state, settings) for job in jobs]


def outcome_from_database(job: DocumentJob, state: Any, settings: Settings) -> DocumentOutcome:
    """What the database knows of the job's file after its batch run ended ``state``."""
    known = configured(document_state, settings)(job.sha256, settings, return_state=True)
    status = known.result() if known.is_completed() else None
    if status == "accepted":
        return DocumentOutcome(status="accepted", source_url=job.source_url, sha256=job.sha256)
    if status in ("in_review", "waived"):
        return DocumentOutcome(status="in_review", source_url=job.source_url, sha256=job.sha256)
    problem = RuntimeError(f"batch run ended {state.name} ({state.message}) without this document")
    error = UnexpectedError(Stage.STORE, problem)
    return to_review(job.sha256, job.source_url, error, [], None, None, settings)


class Fanout:
    """Submit documents as they become ready; collect their outcomes as they finish.

    Use as a context manager: the pools start on entry (a process pool's processes are spawned
    and prepared at once, ``prepare_pool_process``) and are shut down (after every document
    finished) on exit. ``mode`` defaults to ``settings.runner``.
    """

    def __init__(self, settings: Settings, mode: Mode | None = None) -> None:
        self.settings = settings
        self.mode: Mode = mode or settings.runner
        self._stack = ExitStack()
        self._runner: Any = None
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None
        self._batch: list[DocumentJob] = []  # deployment mode: jobs waiting for a full batch
        self._pending: dict[concurrent.futures.Future[Any], list[DocumentJob]] = {}
        self.started: list[Any] = []  # processes mode: one ``start pool process`` future per process

    def __enter__(self) -> Fanout:
        if self.mode == "processes":
            from prefect.task_runners import ProcessPoolTaskRunner

            pool = ProcessPoolTaskRunner(
                max_workers=self.settings.runner_workers, initializer=prepare_pool_process
            )
            self._runner = self._stack.enter_context(pool)
            # processes are spawned on demand: one task per process starts them all now
            workers = self.settings.runner_workers
            self.started = [self._runner.submit(start_pool_process, {}) for _ in range(workers)]
        elif self.mode == "deployment":
            self._threads = self._stack.enter_context(
                concurrent.futures.ThreadPoolExecutor(self.settings.runner_workers, "batch-run")
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def parallel(self) -> bool:
        return self.mode in ("processes", "deployment")

    def submit(self, job: DocumentJob) -> None:
        """Start the job (in-thread modes: run it now); its outcome comes out of ``finished``/``ready``."""
        if self.mode == "deployment":
            self._batch.append(job)
            if len(self._batch) >= self.settings.runner_batch_size:
                self._send_batch()
            return
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        if self._runner is not None:
            submitted = self._runner.submit(process_document_task, {"job": job, "settings": self.settings})
            submitted.add_done_callback(lambda done: settle(future, done))
        else:
            try:
                future.set_result(process_here(job, self.settings, self.mode))
            except Exception as exc:
                future.set_exception(exc)
        self._pending[future] = [job]

    def flush(self) -> None:
        """Start the jobs waiting for a full batch now (``deployment`` mode; nothing otherwise).

        ``ingest`` calls it after each publisher's last fetch, so a batch run holds one
        publisher's documents and is tagged and named after it.
        """
        if self._batch:
            self._send_batch()

    def _send_batch(self) -> None:
        """Start the waiting jobs as one batch run (in a thread: the flow's thread keeps fetching)."""
        jobs, self._batch = self._batch, []
        assert self._threads is not None, "use Fanout as a context manager"
        context = contextvars.copy_context()  # the caller's flow run: batch runs are its children
        future = self._threads.submit(context.run, run_batch_deployment, jobs, self.settings.batch_deployment)
        self._pending[future] = jobs

    def ready(self) -> Iterator[tuple[DocumentJob, DocumentOutcome]]:
        """The outcomes finished so far, without waiting (call from the flow's thread)."""
        for future in [f for f in self._pending if f.done()]:
            yield from self._outcomes(future)

    def finished(self) -> Iterator[tuple[DocumentJob, DocumentOutcome]]:
        """Every remaining job's outcome, in the order they finish (call from the flow's thread)."""
        self.flush()
        while self._pending:
            done, _ = concurrent.futures.wait(self._pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                yield from self._outcomes(future)

    def _outcomes(self, future: Future[Any]) -> Iterator[tuple[DocumentJob, DocumentOutcome]]:
        """The jobs' outcomes; if the machinery broke (a pool process died), the documents go to review."""
        jobs = self._pending.pop(future)
        try:
            value = future.result()
        except Exception as exc:
            error = UnexpectedError(Stage.EXTRACT, exc)
            for job in jobs:
                yield job, to_review(job.sha256, job.source_url, error, [], None, None, self.settings)
            return
        outcomes = outcomes_of_batch(value, jobs, self.settings) if self.mode == "deployment" else [value]
        yield from zip(jobs, outcomes, strict=True)


def settle(future: concurrent.futures.Future[Any], done: Any) -> None:
    """Copy a pool task's end into ``future``: its outcome, or why the task itself did not finish."""
    try:
        done.wait()  # finished already; this keeps its final state (with the outcome) locally
        future.set_result(outcome_of_task(done.state))
    except BaseException as exc:  # a callback must settle the future, whatever happened
        future.set_exception(exc)


def process_all(
    jobs: Sequence[DocumentJob],
    settings: Settings,
    on_done: Callable[[DocumentJob, DocumentOutcome], None] = lambda job, outcome: None,
    *,
    mode: Mode | None = None,
) -> list[DocumentOutcome]:
    """Process every job (``mode``, default the configured runner); outcomes in the jobs' order."""
    with Fanout(settings, mode) as fanout:
        for job in jobs:
            fanout.submit(job)
        by_job: dict[int, DocumentOutcome] = {}
        for job, outcome in fanout.finished():
            on_done(job, outcome)
            by_job[id(job)] = outcome
    return [by_job[id(job)] for job in jobs]
