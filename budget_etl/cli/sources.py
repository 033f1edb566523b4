"""``budget-etl sources check PUBLISHER``: what discovery would fetch from a publisher, and why.

A dry run for onboarding a publisher: the listings are walked exactly as the ``ingest`` flow
walks them (same host policy, robots.txt, bounds, page sources), but nothing is downloaded
beyond the pages themselves and nothing is written to the database. Every link on every page
read is printed with what discovery did with it and why, so a wrong ``follow`` or a missing
vocabulary word is visible in minutes rather than after a day of empty runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from budget_etl.cli.db import JsonOption
from budget_etl.cli.output import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, emit_json

if TYPE_CHECKING:
    from tasks.fetch.crawl import SiteWalk
    from tasks.fetch.sources import Publisher

sources_app = typer.Typer(
    name="sources", help="Publishers' sites: check what discovery finds.", no_args_is_help=True
)

SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Sources file (default: setting sources_file, deployments/sources.yaml)."),
]


def check_publisher(publisher: Publisher) -> tuple[list[SiteWalk], list[str]]:
    """Walk the publisher's listings without storing anything; (walks, its direct document URLs)."""
    from budget_etl.settings import get_settings
    from tasks.fetch.fetcher import Fetcher
    from tasks.fetch.intake import publisher_policy
    from tasks.fetch.politeness import LocalHostThrottle
    from tasks.fetch.site import walk_publisher

    settings = get_settings()
    with Fetcher(settings) as fetcher:
        policy = publisher_policy(publisher, fetcher)
        throttle = LocalHostThrottle(settings)
        walks = walk_publisher(publisher, fetcher=fetcher, policy=policy, throttle=throttle)
    return walks, list(publisher.documents)


def report_dict(publisher: Publisher, walks: list[SiteWalk], documents: list[str]) -> dict[str, object]:
    would_fetch = list(dict.fromkeys([*documents, *(a.url for w in walks for a in w.attachments)]))
    return {
        "publisher": publisher.name,
        "documents": documents,
        "listings": [
            {
                "url": walk.listing,
                "pages": walk.pages,
                "links": [d.to_dict() for d in walk.decisions],
                "attachments": [a.url for a in walk.attachments],
                "failures": [{"url": url, **error.to_dict()} for url, error in walk.failures],
                "limits": walk.limits,
                "robots": walk.robots,
            }
            for walk in walks
        ],
        "would_fetch": would_fetch,
    }


def render(publisher: Publisher, walks: list[SiteWalk], documents: list[str]) -> str:
    lines = [f"publisher {publisher.name} ({publisher.department}, {publisher.year}, {publisher.kind})"]
    for url in documents:
        lines.append(f"  document {url}  — configured directly")
    for listing, walk in zip(publisher.listings, walks, strict=True):
        lines.append(
            f"listing {walk.listing}  (follow: {listing.follow}, render: {listing.render}, "
            f"pagination: {'on' if listing.pagination else 'off'}, pages read: {len(walk.pages)})"
        )
        lines.extend(f"  robots {line}" for line in walk.robots)
        for page in walk.pages:
            lines.append(f"  page {page}")
            for decision in (d for d in walk.decisions if d.found_on == page):
                verb = f"take {decision.action}" if decision.taken else "leave"
                text = f" “{decision.text}”" if decision.text else ""
                lines.append(f"    {verb:<15} {decision.url}{text} — {decision.why}")
        for decision in (d for d in walk.decisions if d.found_on not in walk.pages):
            lines.append(f"  {'take' if decision.taken else 'leave'} {decision.url} — {decision.why}")
        for url, error in walk.failures:
            lines.append(f"  NOT FETCHED {url}: {error.reason.value}: {error.message}")
        for limit in walk.limits:
            lines.append(f"  BOUND {limit}")
    would_fetch = report_dict(publisher, walks, documents)["would_fetch"]
    lines.append(f"would fetch {len(would_fetch)} document URL(s):")  # type: ignore[arg-type]
    lines.extend(f"  {url}" for url in would_fetch)  # type: ignore[union-attr]
    return "\n".join(lines)


@sources_app.command("check")
def check_command(
    publisher_name: Annotated[
        str, typer.Argument(metavar="PUBLISHER", help="A publisher's name in the sources file.")
    ],
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dry run: walk a publisher's listings and say, link by link, what discovery would fetch and why.

    Pages are read (politely: host policy, robots.txt, Crawl-delay); attachments are not
    downloaded; nothing is stored. Exit 0 when every page was read, 1 when some page or link
    could not be (each is listed), 2 when the sources file or the publisher is wrong.
    """
    from budget_etl.settings import get_settings
    from tasks.fetch.sources import SourcesFileError, load_sources

    try:
        [publisher] = load_sources(sources or get_settings().sources_file).select([publisher_name])
    except SourcesFileError as exc:
        print(f"budget-etl: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_UNREADABLE) from exc
    walks, documents = check_publisher(publisher)
    if as_json:
        emit_json(report_dict(publisher, walks, documents))
    else:
        typer.echo(render(publisher, walks, documents))
    raise typer.Exit(EXIT_FINDINGS if any(w.failures for w in walks) else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app)
