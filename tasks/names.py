"""Task-run names that say which document a task worked on (what the UI's run graph shows).

Prefect's default ``send to review-9de`` names the task, not the file; an operator scanning a
run wants the URL (or, for a file given by hand, its name) and the short sha256. These are
``task_run_name`` callables: Prefect calls them when the run starts, with its parameters in
``prefect.runtime.task_run.parameters``.
"""

from __future__ import annotations

from typing import Any

#: long URLs stay readable in the run graph; the full URL is in the task's parameters
MAX_LABEL = 90


def document_label(source_url: str | None, sha256: str | None) -> str:
    """``<url> (<sha8>)``, or whichever of the two is known, or ``document``."""
    url = source_url or ""
    if len(url) > MAX_LABEL:
        url = "…" + url[-(MAX_LABEL - 1):]
    short = (sha256 or "")[:8]
    if url and short:
        return f"{url} ({short})"
    return url or short or "document"


def label_of(parameters: dict[str, Any]) -> str:
    """The label from a task's parameters: ``source_url``/``sha256``, or those of its ``doc``."""
    doc = parameters.get("doc")
    meta = getattr(doc, "document", None)
    source_url = parameters.get("source_url") or getattr(meta, "source_url", None)
    sha256 = parameters.get("sha256") or getattr(meta, "sha256", None)
    return document_label(source_url, sha256)


def named(verb: str) -> Any:
    """A ``task_run_name`` callable: ``<verb> <url> (<sha8>)`` from the running task's parameters."""

    def name() -> str:
        from prefect.runtime import task_run

        return f"{verb} {label_of(task_run.parameters)}"

    return name
