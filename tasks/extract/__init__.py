"""Extraction stage: a budget PDF → ``ExtractedDocument`` (the data dictionary's ``extract`` JSON).

A library of small steps composed by :class:`DocumentExtractor`; the Prefect task and the
``budget-etl extract`` command are thin shells over :func:`extract_document`.
"""

from tasks.extract.extractor import DocumentExtractor, extract_document
from tasks.extract.settings import ExtractSettings
from tasks.extract.sniff import sniff_format

__all__ = ["DocumentExtractor", "ExtractSettings", "extract_document", "sniff_format"]
