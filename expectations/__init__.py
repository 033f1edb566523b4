"""Great Expectations suites, one JSON file per table type, and their loader (``expectations.loader``)."""

from expectations.loader import build_suite, load_suite_json, suite_names

__all__ = ["build_suite", "load_suite_json", "suite_names"]
