"""A separate process that stores the same sample documents: used to race two real writers.

Run as ``python -m tests.storage.store_worker DB_URL LABEL...``; waits for the go-file (so both
processes start writing at the same moment) and prints the version ids it got.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from storage.engine import make_engine
from storage.repository import Repository
from tests.storage.samples import make_document


def main() -> None:
    url, go_file, *labels = sys.argv[1:]
    repository = Repository(make_engine(url), actor="worker")
    deadline = time.monotonic() + 30
    while not Path(go_file).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    ids = [repository.accept_document(make_document(label), [], report_uri=None) for label in labels]
    print(" ".join(map(str, ids)))


if __name__ == "__main__":
    main()
