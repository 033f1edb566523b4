"""The publishers to ingest, read from ``deployments/sources.yaml`` into validated models.

A typo in the sources file should stop a run before it fetches anything, with the line that is
wrong — not surface as a 404 hours later — so the file is parsed into strict pydantic models.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

#: budget_etl.contract.RECOGNISED_KINDS (a publisher may publish 部门决算 too)
DocumentKind = Literal["budget_disclosure", "performance_targets", "final_accounts"]

#: how far discovery follows from a listing page: its own attachment links only, or into the
#: article pages it lists and their attachments (listing → article → attachment)
Follow = Literal["attachments", "article"]
#: how a listing page is read: plain HTTP, or rendered by a headless browser (JavaScript lists)
Render = Literal["http", "browser"]


def is_http_url(value: str | None) -> bool:
    """Whether ``value`` names something to fetch over HTTP(S) (else it is a local path, or nothing)."""
    return value is not None and value.startswith(("http://", "https://"))


class SourcesFileError(ValueError):
    """The sources file cannot be read or does not describe valid publishers."""


class Listing(BaseModel):
    """One column (栏目) of a publisher's site and how discovery walks it.

    A bare URL in the sources file is a listing with the defaults (its own attachment links,
    its ``下一页`` / ``index_N.html`` / ``?page=N`` pages), so older sources files keep working.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    follow: Follow = Field(default="attachments", description="attachments | article (one level deeper).")
    max_pages: int | None = Field(
        default=None, ge=1, description="Pages read per run (None: setting discovery_max_pages)."
    )
    pagination: bool = Field(default=True, description="Follow 下一页 / index_N.html / ?page=N links.")
    render: Render = Field(default="http", description="browser: a JavaScript list (headless Chromium).")
    link_patterns: tuple[str, ...] = Field(
        default=(),
        description="Regular expressions; when given, an article or attachment link is taken only if its "
        "text or URL matches one (else the vocabulary's 预算/绩效/决算/公开 words decide).",
    )

    @field_validator("url")
    @classmethod
    def _require_http_url(cls, url: str) -> str:
        if not is_http_url(url):
            raise ValueError(f"not an http(s) URL: {url!r}")
        return url

    @field_validator("link_patterns")
    @classmethod
    def _require_valid_patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"link pattern {pattern!r} is not a regular expression: {exc}") from exc
        return patterns


class Publisher(BaseModel):
    """One publisher (a department's disclosure page for one year) and where its documents are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Short stable name; used in flow-run names and tags.")
    region: str = Field(min_length=1)
    department: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    kind: DocumentKind
    documents: tuple[str, ...] = Field(default=(), description="Direct document URLs.")
    listings: tuple[Listing, ...] = Field(
        default=(), description="Listing pages (a URL, or a mapping with url and how to walk it)."
    )
    allowed_hosts: tuple[str, ...] = Field(
        default=(), description="Hosts besides the configured URLs' own: host | host:port | *.suffix."
    )

    @field_validator("documents")
    @classmethod
    def _require_http_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            if not is_http_url(url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

    @field_validator("listings", mode="before")
    @classmethod
    def _bare_urls_are_listings(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple({"url": item} if isinstance(item, str) else item for item in value)
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _require_host_entries(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        from tasks.fetch.policy import parse_host_entry

        for host in hosts:
            parse_host_entry(host)
            if "/" in host:
                raise ValueError(f"not a host entry (no scheme or path): {host!r}")
        return hosts

    @property
    def listing_urls(self) -> tuple[str, ...]:
        """The listing pages' URLs, in the order given."""
        return tuple(listing.url for listing in self.listings)

    @model_validator(mode="after")
    def _require_somewhere_to_look(self) -> Publisher:
        if not self.documents and not self.listings:
            raise ValueError(f"publisher {self.name!r} has neither documents nor listings")
        return self

    @property
    def tag(self) -> str:
        """The Prefect tag every run and task of this publisher carries."""
        return f"publisher:{self.name}"


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    publishers: tuple[Publisher, ...]

    @model_validator(mode="after")
    def _require_unique_names(self) -> SourcesFile:
        names = [p.name for p in self.publishers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate publisher names: {', '.join(duplicates)}")
        return self

    def select(self, names: list[str] | None) -> tuple[Publisher, ...]:
        """The publishers named (all when ``names`` is empty); an unknown name is an error."""
        if not names:
            return self.publishers
        known = {p.name: p for p in self.publishers}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SourcesFileError(f"unknown publisher(s): {', '.join(unknown)}")
        return tuple(known[n] for n in names)


def parse_sources(text: str) -> SourcesFile:
    """Parse the YAML text of a sources file."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesFileError(f"sources file is not valid YAML: {exc}") from exc
    try:
        return SourcesFile.model_validate(raw)
    except ValidationError as exc:
        raise SourcesFileError(f"sources file is invalid:\n{exc}") from exc


def load_sources(path: Path) -> SourcesFile:
    """Read and validate a sources file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesFileError(f"cannot read sources file {path}: {exc}") from exc
    return parse_sources(text)

