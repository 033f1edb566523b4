"""``ingest``: for every publisher in the sources file, discover → fetch → process what is new.

Wiring only. Fetches of one publisher run concurrently, a few per host slot at a time
(``flows.fetch_window``; per-host politeness is enforced inside the fetch task by Prefect global
concurrency limits); each new document is then processed as its fetch ends, as a
``process_document`` run named after the publisher, department and year, tagged
``publisher:<name>`` — one by one, or many at once (``flows.fanout``, ``Settings.runner``, one pool
for the whole run: the next publisher's fetches do not wait for the last one's documents).
A URL that cannot be fetched becomes a review item keyed by URL;
nothing a single publisher or document does can stop the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow, tags
from prefect.runtime import flow_run

from budget_etl.errors import Stage
from budget_etl.settings import Settings, get_settings
from flows.artifacts import Progress, publish_summary
from flows.fanout import DocumentJob, Fanout
from flows.fetch_window import fetch_windowed, window_size
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import BANNED_IN_NAMES, fetch_to_review, publish_open_queue
from flows.states import batch_state, error_of
from tasks.fetch.intake import Discovery, FetchedDocument, ListingFailure
from tasks.fetch.sources import Publisher, load_sources
from tasks.fetch.task import discover_documents, fetch_document, throttle_for
from tasks.retry import configured
from tasks.store.task import prepare_database


def run_name() -> str:
    """``ingest-<publisher>-<department>-<year>`` for one publisher, ``ingest-<n>-publishers`` for several."""
    names = flow_run.parameters.get("publishers") or []
    if len(names) != 1:
        return f"ingest-{len(names)}-publishers" if names else "ingest-all-publishers"
    try:
        sources_file = flow_run.parameters.get("sources_file") or get_settings().sources_file
        [chosen] = load_sources(Path(sources_file)).select(names)
    except Exception:  # the run itself reports a bad sources file; the name just stays short
        return f"ingest-{names[0]}"
    return f"ingest-{chosen.name}-{chosen.department}-{chosen.year}".translate(BANNED_IN_NAMES)


@flow(name="ingest", flow_run_name=run_name)
def ingest(
    sources_file: str | None = None,
    publishers: list[str] | None = None,
) -> RunSummary:
    """Fetch and process every new document of the selected publishers (all by default).

    Ends ``Completed``, or ``Completed`` named ``Needs review`` with the counts and the first
    failing URLs in its message. Settings (database, raw store, limits) come from the worker's
    environment (``BUDGET_ETL_*``), never from the run form.

    Args:
        sources_file: YAML file of publishers, relative to the checkout (default: BUDGET_ETL_SOURCES_FILE,
            else deployments/sources.yaml).
        publishers: names of publishers in that file to ingest, e.g. ["some-bureau"]; empty for all.
    """
    settings = get_settings()
    selected = load_sources(Path(sources_file or settings.sources_file)).select(publishers)
    counts = {p.name: PublisherCounts(publisher=p.name) for p in selected}
    outcomes: dict[str, list[DocumentOutcome]] = {p.name: [] for p in selected}
    # one pool for the whole run, opened first: its processes start while publishers are discovered,
    # and a publisher's documents still in the pool do not hold the next publisher's fetches back
    with Fanout(settings) as fanout:
        configured(prepare_database, settings)(settings)
        discoveries = {p.name: discover(p, settings) for p in selected}
        progress = Progress(
            sum(len(d.documents) for d in discoveries.values()),
            key="ingest-progress", description=f"Documents done of {len(selected)} publisher(s)",
        )

        def done(publisher: str, url: str | None, outcome: DocumentOutcome) -> None:
            outcomes[publisher].append(outcome)
            counts[publisher].count(outcome)
            progress.advance(url)

        for publisher in selected:
            # no ``tags(publisher.tag)`` here: a tagged task costs a concurrency-slot call per run;
            # the document runs carry the tag themselves (issue 12)
            discovery = discoveries[publisher.name]
            ingest_publisher(publisher, discovery, settings, counts[publisher.name], progress, fanout, done)
        for job, outcome in fanout.finished():
            done(str(job.publisher), job.source_url, outcome)

    summary = RunSummary()
    for publisher in selected:
        summary.outcomes.extend(outcomes[publisher.name])
        summary.publishers.append(counts[publisher.name])
    progress.finish()
    publish_summary(summary.publishers, key="ingest-summary", description=describe(summary))
    publish_open_queue(settings)
    return batch_state(summary, "ingest")


def discover(publisher: Publisher, settings: Settings) -> Discovery:
    """The publisher's documents; if discovery itself fails, each of its URLs is reported with why."""
    with tags(publisher.tag):
        state = configured(discover_documents, settings)(publisher, settings, return_state=True)
    if state.is_completed():
        return state.result()
    partial = state.result(raise_on_failure=False)
    if isinstance(partial, Discovery):  # some listings unreadable: the task run is red, the rest goes on
        return partial
    error = error_of(state, Stage.FETCH)
    urls = (*publisher.listing_urls, *publisher.documents)
    failures = tuple(ListingFailure(url, error) for url in urls)
    return Discovery(publisher=publisher.name, documents=(), failures=failures)


#: what ``ingest_publisher`` calls with each outcome: publisher name, URL, outcome
Done = Callable[[str, str | None, DocumentOutcome], None]


def ingest_publisher(
    publisher: Publisher,
    discovery: Discovery,
    settings: Settings,
    counts: PublisherCounts,
    progress: Progress,
    fanout: Fanout,
    done: Done,
) -> None:
    """Fetch a publisher's documents concurrently (a window at a time); hand each new one to ``fanout``.

    ``fanout`` (``Settings.runner``) processes documents one by one, or many at once on this
    machine's cores or on the pool's workers; ``done`` gets every outcome known by the time the
    last fetch ends (the rest come out of ``fanout.finished()``, tagged with the job's publisher).
    """
    for failure in discovery.failures:
        done(publisher.name, failure.url, fetch_to_review(failure.url, failure.error, settings))
    counts.discovered = len(discovery.documents)
    fetch = configured(fetch_document, settings)
    urls = [link.url for link in discovery.documents]
    fetches = fetch_windowed(lambda url: fetch.submit(url, settings), urls, window_size(urls, settings))
    for url, future in fetches:
        future.wait()  # done already; this sets the final state locally (no API read)
        state = future.state
        if not state.is_completed():
            done(publisher.name, url, fetch_to_review(url, error_of(state, Stage.FETCH), settings))
            continue
        next_step = after_fetch(state.result(), publisher, settings, counts)
        if isinstance(next_step, DocumentOutcome):
            done(publisher.name, url, next_step)
            continue
        if not fanout.parallel:
            progress.now(url)
        fanout.submit(next_step)
        for job, outcome in fanout.ready():
            done(str(job.publisher), job.source_url, outcome)
    throttle_for(settings).release_idle()  # every fetch ended: other workers may have the slots
    fanout.flush()  # a batch run holds one publisher's documents


def after_fetch(
    fetched: FetchedDocument, publisher: Publisher, settings: Settings, counts: PublisherCounts
) -> DocumentOutcome | DocumentJob:
    """What follows a fetch: error → review, unchanged file skipped, a new one → a job to process."""
    if fetched.error is not None:
        return fetch_to_review(fetched.url, fetched.error, settings)
    if not fetched.needs_processing or fetched.sha256 is None:
        return DocumentOutcome(status="unchanged", source_url=fetched.url, sha256=fetched.sha256)
    counts.fetched += 1
    return DocumentJob(
        fetched.sha256, source_url=fetched.url, publisher=publisher.name, department=publisher.department,
        year=publisher.year, tags=(publisher.tag,),
    )


def describe(summary: RunSummary) -> str:
    """The summary artifact's one-line description (totals by outcome)."""
    totals = summary.totals()
    return (
        f"{len(summary.publishers)} publisher(s): {totals['accepted']} accepted, {totals['in_review']} in "
        f"review, {totals['failed']} failed, {totals['unchanged']} unchanged"
    )
