"""The publishers to ingest, read from ``deployments/sources.yaml`` into validated models.

A typo in the sources file should stop a run before it fetches anything, with the line that is
wrong — not surface as a 404 hours later — so the file is parsed into strict pydantic models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DocumentKind = Literal["budget_disclosure", "performance_targets"]  # budget_etl.contract.DOCUMENT_KINDS


def is_http_url(value: str | None) -> bool:
    """Whether ``value`` names something to fetch over HTTP(S) (else it is a local path, or nothing)."""
    return value is not None and value.startswith(("http://", "https://"))


class SourcesFileError(ValueError):
    """The sources file cannot be read or does not describe valid publishers."""


class Publisher(BaseModel):
    """One publisher (a department's disclosure page for one year) and where its documents are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Short stable name; used in flow-run names and tags.")
    region: str = Field(min_length=1)
    department: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    kind: DocumentKind
    documents: tuple[str, ...] = Field(default=(), description="Direct document URLs.")
    listings: tuple[str, ...] = Field(default=(), description="Listing pages to discover attachments on.")

    @field_validator("documents", "listings")
    @classmethod
    def _require_http_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            if not is_http_url(url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

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

