"""Prefect tasks over ``storage.repository.Repository`` and the per-process storage resources."""
