"""Prefect API fixtures (one test harness per session): owned by the flow tests."""
