"""Where a batch's documents are processed: in this process, on every core, or on every worker.

``Settings.runner`` chooses (issue 12); every mode runs the same ``process-document`` flow, so the
UI shows one run per document with its name, ``publisher:``/``outcome:`` tags and final state
(issue 13), and every mode gives back one ``DocumentOutcome`` per document — a crash of the pool
itself sends the document to review, it is never dropped:

- ``sequential``: one ``process-document`` sub-flow after another (tests, the demo's default);
- ``processes``: ``runner_workers`` sub-flows at once, each inside a ``process document`` task on
  Prefect's ``ProcessPoolTaskRunner`` (spawned processes: extraction and validation on every core).
  A thread pool was tried and left out: with two sub-flows in one process, an expected extraction
  failure (a Failed task state) was once read back as a completed result;
- ``deployment``: each document a run of ``document_deployment`` (``process-document/one-document``)
  through ``run_deployment``, ``runner_workers`` awaited at once, so every worker of the pool takes
  a share. Sub-runs read the worker's environment (its ``BUDGET_ETL_*``), as any deployment run.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from budget_etl.errors import Reason, Stage
from budget_etl.settings import Settings, use_settings
from flows.outcomes import DocumentOutcome
from flows.process_document import run_document, to_review
from flows.states import IN_REVIEW, UnexpectedError

#: how often a ``deployment``-mode batch asks the API whether a document's run has finished
POLL_INTERVAL_S = 1.0


@dataclass(frozen=True)
class DocumentJob:
    """One stored file to process and what its ``process-document`` run is called with."""

    sha256: str
    source_url: str | None = None
    publisher: str | None = None
    department: str | None = None
    year: int | None = None
    tags: tuple[str, ...] = field(default=())

    def parameters(self) -> dict[str, Any]:
        """The ``process-document`` parameters (never settings: runs read their environment)."""
        return {
            "sha256": self.sha256, "source_url": self.source_url, "publisher": self.publisher,
            "department": self.department, "year": self.year,
        }


def process_here(job: DocumentJob, settings: Settings) -> DocumentOutcome:
    """Run the job's ``process-document`` sub-flow in this thread with these settings."""
    with use_settings(settings):
        return run_document(**job.parameters(), run_tags=job.tags)


@task(
    name="process document", task_run_name="process {job.source_url}", cache_policy=NO_CACHE,
    persist_result=False,
)
def process_in_pool(job: DocumentJob, settings: Settings) -> DocumentOutcome:
    """Pool adapter: the document's sub-flow on a pool thread/process (its outcome is the result)."""
    return process_here(job, settings)


def process_as_deployment(job: DocumentJob, deployment: str) -> DocumentOutcome:
    """Start the document as a run of the deployment, wait for it, read the outcome off its state."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        deployment, parameters=job.parameters(), tags=list(job.tags), poll_interval=POLL_INTERVAL_S,
        as_subflow=True,
    )
    return outcome_from_state(run.state, job)


def outcome_from_state(state: Any, job: DocumentJob) -> DocumentOutcome:
    """The outcome of a finished run: its result when persisted, else read from the state's name.

    A deployment run's result lives in the worker's result storage (not persisted by default, to
    keep storage small); the state's name and message say all the batch counts.
    """
    try:
        result = state.result(raise_on_failure=False)
    except Exception:  # not persisted (the default for document runs): read the state instead
        result = None
    if isinstance(result, DocumentOutcome):
        return result
    if state.is_completed():
        status = "in_review" if state.name == IN_REVIEW else "accepted"
        return DocumentOutcome(status=status, source_url=job.source_url, sha256=job.sha256,
                               message=state.message)
    return DocumentOutcome(
        status="failed", source_url=job.source_url, sha256=job.sha256, stage=Stage.STORE.value,
        reason=Reason.UNEXPECTED_ERROR.value, message=f"process-document ended {state.name}: {state.message}",
    )


class Fanout:
    """Submit documents as they become ready; collect their outcomes as they finish.

    Use as a context manager: the pools start on entry and are shut down (after every document
    finished) on exit.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.mode = settings.runner
        self._stack = ExitStack()
        self._runner: Any = None
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: dict[concurrent.futures.Future[DocumentOutcome], DocumentJob] = {}

    def __enter__(self) -> Fanout:
        if self.mode == "processes":
            from prefect.task_runners import ProcessPoolTaskRunner

            pool = ProcessPoolTaskRunner(max_workers=self.settings.runner_workers)
            self._runner = self._stack.enter_context(pool)
        elif self.mode == "deployment":
            self._threads = self._stack.enter_context(
                concurrent.futures.ThreadPoolExecutor(self.settings.runner_workers, "document-run")
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def parallel(self) -> bool:
        return self.mode != "sequential"

    def submit(self, job: DocumentJob) -> None:
        """Start the job (``sequential``: run it now); its outcome comes out of ``finished``/``ready``."""
        future: concurrent.futures.Future[DocumentOutcome] = concurrent.futures.Future()
        if self.mode == "sequential":
            try:
                future.set_result(process_here(job, self.settings))
            except Exception as exc:
                future.set_exception(exc)
        elif self._runner is not None:
            submitted = self._runner.submit(process_in_pool, {"job": job, "settings": self.settings})
            submitted.add_done_callback(lambda done: settle(future, done))
        else:
            assert self._threads is not None, "use Fanout as a context manager"
            context = contextvars.copy_context()  # the batch's flow run: document runs are its children
            future = self._threads.submit(
                context.run, process_as_deployment, job, self.settings.document_deployment
            )
        self._pending[future] = job

    def ready(self) -> Iterator[tuple[DocumentJob, DocumentOutcome]]:
        """The outcomes finished so far, without waiting (call from the flow's thread)."""
        for future in [f for f in self._pending if f.done()]:
            job = self._pending.pop(future)
            yield job, self._outcome(future, job)

    def finished(self) -> Iterator[tuple[DocumentJob, DocumentOutcome]]:
        """Every remaining job's outcome, in the order they finish (call from the flow's thread)."""
        while self._pending:
            done, _ = concurrent.futures.wait(self._pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                job = self._pending.pop(future)
                yield job, self._outcome(future, job)

    def _outcome(self, future: Future[DocumentOutcome], job: DocumentJob) -> DocumentOutcome:
        """The job's outcome; if the machinery broke (a pool process died), the document goes to review."""
        try:
            return future.result()
        except Exception as exc:
            error = UnexpectedError(Stage.EXTRACT, exc)
            return to_review(job.sha256, job.source_url, error, [], None, None, self.settings)


def settle(future: concurrent.futures.Future[DocumentOutcome], done: Any) -> None:
    """Copy a pool task's end into ``future``: its outcome, or why the task itself did not finish."""
    try:
        done.wait()  # finished already; this keeps its final state (with the outcome) locally
        state = done.state
        if not state.is_completed():
            raise RuntimeError(f"process document task ended {state.name}: {state.message}")
        future.set_result(state.result())
    except BaseException as exc:  # a callback must settle the future, whatever happened
        future.set_exception(exc)


def process_all(
    jobs: Sequence[DocumentJob], settings: Settings, on_done: Callable[[DocumentJob, DocumentOutcome], None]
) -> list[DocumentOutcome]:
    """Process every job with the configured runner; outcomes in the jobs' order."""
    with Fanout(settings) as fanout:
        for job in jobs:
            fanout.submit(job)
        by_job: dict[int, DocumentOutcome] = {}
        for job, outcome in fanout.finished():
            on_done(job, outcome)
            by_job[id(job)] = outcome
    return [by_job[id(job)] for job in jobs]
