"""Fetch stage: sources file, listing discovery, polite HTTP with retries, the raw-store intake.

Plain functions and one ``Fetcher`` class do the work; ``tasks.fetch.task`` holds the Prefect tasks.
"""
