"""Prefect flows: ``ingest``, ``process_document``, ``retry_reviews``, ``run_files`` (wiring only).

Entry points for deployments are the modules themselves (``flows/ingest.py:ingest`` …), see
``deployments/prefect.yaml``; artifacts for the UI are built in ``flows/artifacts.py``.
"""
