"""Storage: where accepted records live, where failures wait, and where raw files are kept.

* ``models`` — the schema (SQLAlchemy 2.0, typed); ``migrations/`` + ``migrate`` — Alembic.
* ``engine`` — engines for SQLite/PostgreSQL and driver faults → ``StoreError``.
* ``repository`` — ``Repository``: the one interface flows use (documents, review queue, audit).
* ``versions`` — the body of the write-one-document transaction; ``review_queue`` — review items
  (subjects, summaries, resolution); ``audit`` — the audit row every state change writes.
* ``records`` — pure record-dict ↔ column mapping; ``export`` — CSV/Parquet of latest versions.
* ``raw_store`` — ``RawStore``: content-addressed raw files (local dir or any fsspec URL).
"""
