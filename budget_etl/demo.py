"""``budget-etl demo``: the whole pipeline on the bundled sample PDFs, with nothing to set up.

A local publisher (``DemoSite``: a ``ThreadingHTTPServer`` on 127.0.0.1) serves the sample
PDFs behind one listing page per document kind, plus a dead link and an HTML error page so the
run shows review items too. ``run_demo`` writes a sources file pointing at it and runs the real
``ingest`` flow with SQLite under ``data/`` and a local Prefect API whose home is
``data/prefect``. The site serves ``Last-Modified`` and answers ``If-Modified-Since`` with 304, and
its port is stable, so a second run downloads and processes nothing.

The publisher lives only as long as the command. ``budget-etl demo --serve`` keeps it up after
the run (until Ctrl-C) so the README's retry walkthrough can be followed end to end: republish a
file into the site folder, ``budget-etl review retry ID`` in another terminal, the item resolves.
Each run records the publisher's address in ``data/demo/publisher.json``; a retry that cannot
reach it says that the demo publisher is not running and how to start it (``retry_hint``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from budget_etl.settings import Settings, use_settings

if TYPE_CHECKING:
    from flows.outcomes import DocumentOutcome, RunSummary

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "tests" / "fixtures" / "corpus"
SOURCES_TEMPLATE = ROOT / "deployments" / "sources.demo.yaml"
TEMPLATE_BASE = "http://127.0.0.1:8765"
#: what a broken publisher looks like: a dead link and a page that answers 200 with HTML
BROKEN_LINKS: dict[str, bytes | None] = {
    "missing.pdf": None,
    "error-page.pdf": b"<!DOCTYPE html><html><body>File not found</body></html>",
}


@dataclass(frozen=True)
class Sample:
    path: Path
    kind: str


@dataclass
class DemoReport:
    """What the demo did and where everything is (printed by the CLI, or as JSON)."""

    summary: RunSummary
    site_url: str
    sources_file: Path
    database_url: str
    raw_store: str
    reports_dir: Path
    prefect_home: Path
    samples: list[str] = field(default_factory=list)
    site_dir: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "site_url": self.site_url,
            "sources_file": str(self.sources_file),
            "database_url": self.database_url,
            "raw_store": self.raw_store,
            "reports_dir": str(self.reports_dir),
            "prefect_home": str(self.prefect_home),
            "samples": self.samples,
            "site_dir": str(self.site_dir) if self.site_dir else None,
        }


def find_samples(directory: Path = SAMPLES_DIR, *, per_kind_and_seed: int = 1) -> list[Sample]:
    """The bundled PDFs with their kind (from the corpus ``index.json``), one layout per seed by default."""
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    chosen: list[Sample] = []
    taken: dict[str, int] = {}
    for entry in index["documents"]:
        path = directory / f"{entry['stem']}.pdf"
        group = str(entry.get("seed", entry["stem"]))
        if path.exists() and taken.get(group, 0) < per_kind_and_seed:
            taken[group] = taken.get(group, 0) + 1
            chosen.append(Sample(path=path, kind=entry["kind"]))
    if not chosen:
        raise FileNotFoundError(f"no sample PDFs in {directory} (run `make corpus`)")
    return chosen


def build_site(root: Path, samples: list[Sample]) -> None:
    """Lay out ``<kind>/index.html`` + the PDFs; files are only rewritten when their bytes change."""
    kinds = sorted({s.kind for s in samples})
    for kind in kinds:
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for sample in (s for s in samples if s.kind == kind):
            write_if_changed(folder / sample.path.name, sample.path.read_bytes())
            names.append(sample.path.name)
        for name, body in BROKEN_LINKS.items():
            if body is not None:
                write_if_changed(folder / name, body)
            names.append(name)
        write_if_changed(folder / "index.html", listing_html(kind, names).encode("utf-8"))


def listing_html(kind: str, names: list[str]) -> str:
    items = "\n".join(f'  <li><a href="{escape(n)}">{escape(n)}</a></li>' for n in names)
    head = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(kind)}</title></head>'
    return f"{head}\n<body><ul>\n{items}\n</ul></body></html>\n"


def write_if_changed(path: Path, data: bytes) -> None:
    """Keep the file's mtime (the server's Last-Modified) when nothing changed."""
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def serve_site(root: Path, port: int) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (``port``, or any free port if taken); yields the base URL."""
    handler = partial(_QuietHandler, directory=str(root))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_sources(template: Path, base_url: str, target: Path) -> Path:
    """The demo sources file with the template's base address replaced by the live one."""
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    for publisher in data["publishers"]:
        for key in ("listings", "documents"):
            publisher[key] = [u.replace(TEMPLATE_BASE, base_url) for u in publisher.get(key, [])]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


#: settings the demo's own fetches need from a retry in another terminal too (env form)
LOOPBACK_SETTING = "http_allow_private_hosts"


def demo_settings(settings: Settings) -> Settings:
    """The user's settings, with politeness relaxed and loopback allowed for a local server we own."""
    update: dict[str, Any] = {"per_host_requests_per_s": 50.0, "per_host_concurrency": 4}
    if LOOPBACK_SETTING in Settings.model_fields:  # the fetch host policy refuses 127.0.0.1 by default
        update[LOOPBACK_SETTING] = True
    return settings.model_copy(update=update)


def retry_env() -> str:
    """The environment prefix a ``budget-etl review retry`` of the demo's URLs needs (may be empty)."""
    return f"BUDGET_ETL_{LOOPBACK_SETTING.upper()}=true " if LOOPBACK_SETTING in Settings.model_fields else ""


def publisher_file(data_dir: Path) -> Path:
    return data_dir / "demo" / "publisher.json"


def record_publisher(data_dir: Path, base_url: str, site: Path) -> None:
    """Remember where the demo's publisher was, so a failed retry of its URLs can say why."""
    target = publisher_file(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"base_url": base_url, "site_dir": str(site)}), encoding="utf-8")


def retry_hint(outcome: DocumentOutcome, settings: Settings) -> str | None:
    """Why a retried demo URL could not be fetched, when the reason is that the demo publisher is gone.

    The demo's publisher only runs inside ``budget-etl demo``; afterwards its URLs refuse connections
    and a retry of their review items cannot pass. Its address is on 127.0.0.1, which the fetch host
    policy refuses unless told otherwise. Other failures keep their own message.
    """
    gone = outcome.reason in ("connection_error", "fetch_timeout")
    refused = outcome.reason == "redirect_refused" and bool(retry_env())
    if outcome.stage != "fetch" or not (gone or refused):
        return None
    path = publisher_file(settings.data_dir.resolve())
    if not path.is_file() or not outcome.source_url:
        return None
    base_url = json.loads(path.read_text(encoding="utf-8")).get("base_url", "")
    if not base_url or not outcome.source_url.startswith(base_url.rstrip("/") + "/"):
        return None
    if refused:
        return (f"{base_url} is the demo's local publisher on a loopback address, which fetches refuse "
                f"by default; retry with `{retry_env()}budget-etl review retry …` while "
                "`budget-etl demo --serve` keeps it up")
    return (
        f"{base_url} is the demo's local publisher, which runs only while `budget-etl demo` does; "
        "start `budget-etl demo --serve` (it stays up until Ctrl-C) and retry from another terminal"
    )


def use_local_prefect_home(data_dir: Path) -> Path:
    """Keep the demo's Prefect state (runs, results) under data/prefect unless told otherwise.

    Must run before Prefect is imported: Prefect reads ``PREFECT_HOME`` when it loads its settings.
    """
    home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    return home


def run_demo(
    settings: Settings,
    *,
    samples_dir: Path = SAMPLES_DIR,
    while_serving: Callable[[DemoReport], None] | None = None,
) -> DemoReport:
    """Serve the samples, ingest them through Prefect, and report what happened.

    ``while_serving`` is called with the report while the publisher is still up (``--serve`` blocks
    there until Ctrl-C); the publisher stops when it returns.
    """
    settings = demo_settings(settings)
    data_dir = settings.data_dir.resolve()
    prefect_home = use_local_prefect_home(data_dir)
    samples = find_samples(samples_dir)
    site = data_dir / "demo" / "site"
    build_site(site, samples)

    from flows.ingest import ingest  # imported here: after PREFECT_HOME is set

    with serve_site(site, settings.demo_port) as base_url:
        sources = write_sources(SOURCES_TEMPLATE, base_url, data_dir / "demo" / "sources.yaml")
        record_publisher(data_dir, base_url, site)
        with use_settings(settings):
            summary = ingest(sources_file=str(sources))
        report = DemoReport(
            summary=summary,
            site_url=base_url,
            sources_file=sources,
            database_url=settings.resolved_database_url(),
            raw_store=settings.resolved_raw_store_url(),
            reports_dir=settings.resolved_reports_dir(),
            prefect_home=prefect_home,
            samples=[s.path.name for s in samples],
            site_dir=site,
        )
        if while_serving is not None:
            while_serving(report)
    return report


@dataclass(frozen=True)
class Republish:
    """One step of the retry walkthrough: a dead link whose file the publisher puts back."""

    item_id: int
    url: str
    replacement: Path
    target: Path


def republish_step(report: DemoReport, samples_dir: Path = SAMPLES_DIR) -> Republish | None:
    """A 404 review item and a corpus PDF, not served yet, of a kind and seed that was accepted.

    Copying ``replacement`` to ``target`` is what a publisher re-uploading the file looks like; a
    retry of ``item_id`` then fetches, processes and resolves it.
    """
    if report.site_dir is None:
        return None
    index = json.loads((samples_dir / "index.json").read_text(encoding="utf-8"))
    seeds = {e["stem"]: str(e.get("seed", e["stem"])) for e in index["documents"]}
    served = set(report.samples)
    outcomes = report.summary.outcomes
    accepted = {(o.source_url or "").rsplit("/", 2)[-2]: seeds.get(Path(o.source_url or "").stem)
                for o in outcomes if o.status == "accepted"}
    for o in outcomes:
        if o.reason != "http_not_found" or not o.review_item_id or not o.source_url:
            continue
        kind, name = o.source_url.rsplit("/", 2)[-2:]
        if kind not in accepted:
            continue
        spare = [samples_dir / f"{stem}.pdf" for stem, seed in seeds.items()
                 if seed == accepted[kind] and f"{stem}.pdf" not in served
                 and (samples_dir / f"{stem}.pdf").is_file()]
        if spare:
            return Republish(o.review_item_id, o.source_url, spare[0], report.site_dir / kind / name)
    return None


def render_serving(report: DemoReport, step: Republish | None) -> str:
    """What to do while ``--serve`` keeps the publisher up: the README's retry walkthrough."""
    env = retry_env()
    lines = ["", f"The demo publisher stays up at {report.site_url} (site folder {report.site_dir}); "
             "Ctrl-C stops it.", "In another terminal, from this directory:"]
    if step is not None:
        lines += [
            f"  {env}budget-etl review retry {step.item_id}    # still HTTP 404: nothing republished yet",
            f"  cp {step.replacement} {step.target}    # the publisher puts the file back",
            f"  {env}budget-etl review retry {step.item_id}    # fetched, processed, item resolved",
        ]
    else:
        lines.append(f"  {env}budget-etl review retry --all   # every open item, against the live publisher")
    return "\n".join(lines)


def render_report(report: DemoReport) -> str:
    """The demo's closing text: per publisher, accepted, in review with reasons, where things are."""
    totals = report.summary.totals()
    lines = [
        f"budget-etl demo: {len(report.samples)} sample PDF(s) served at {report.site_url}",
        "",
        f"{'publisher':<20} {'found':>5} {'fetched':>7} {'unchanged':>9} {'accepted':>8} {'review':>6} "
        f"{'failed':>6}",
    ]
    for c in report.summary.publishers:
        lines.append(
            f"{c.publisher:<20} {c.discovered:>5} {c.fetched:>7} {c.unchanged:>9} {c.accepted:>8} "
            f"{c.in_review:>6} {c.failed:>6}"
        )
    lines.append("")
    processed = report.summary.processed
    if processed == 0:
        lines.append("Nothing new to process: every document is unchanged since the last run.")
    accepted = [o for o in report.summary.outcomes if o.status == "accepted"]
    if accepted:
        lines.append(f"Accepted ({len(accepted)}):")
        lines += [
            f"  - {o.department_name} {o.budget_year} ({(o.sha256 or '')[:12]}): "
            f"{o.warning_findings} warning(s); report {o.report_uri}"
            for o in accepted
        ]
    queued = [o for o in report.summary.outcomes if o.status in ("in_review", "failed")]
    if queued:
        lines.append(f"In the review queue ({len(queued)}):")
        for o in queued:
            what = o.department_name or o.source_url
            item = f"#{o.review_item_id} " if o.review_item_id else ""
            lines.append(f"  - {item}{what}: {o.stage}/{o.reason}: {_short(o.message)}")
            if o.report_uri:
                lines.append(f"      report: {o.report_uri}")
    lines += [
        "",
        f"totals: {totals['accepted']} accepted, {totals['in_review']} in review, {totals['failed']} "
        f"failed to fetch, {totals['unchanged']} unchanged",
        "",
        "Where things are:",
        f"  database      {report.database_url}",
        f"  raw files     {report.raw_store}",
        f"  HTML reports  {report.reports_dir}",
        f"  sources file  {report.sources_file}",
        f"  Prefect home  {report.prefect_home}",
        "",
        "Next:",
        "  budget-etl review list                 # the review queue",
        "  budget-etl review show ID              # why, with findings and pages",
        "  budget-etl review retry ID | --all     # re-run through the same pipeline",
        "  budget-etl demo --serve                # keep the publisher up to retry its URLs (README)",
        f"  PREFECT_HOME={report.prefect_home} .venv/bin/prefect server start",
        "                                         # then open http://127.0.0.1:4200 to see these runs",
        "  make demo                              # again: nothing is downloaded or processed twice",
    ]
    return "\n".join(lines)


def _short(text: str | None, limit: int = 140) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
