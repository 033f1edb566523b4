"""The review web app (``budget-etl serve``): a thin HTML shell over the repository and flows."""
