"""The content-addressed raw store: every fetched file, kept by its sha256 before extraction.

Why: nothing downstream may depend on the source staying online. A file is stored once under
its own hash (``<root>/<sha[:2]>/<sha>.bin``), so storing it twice is a no-op, two processes
storing it at once write the same bytes, and a retry months later re-reads exactly what was
fetched. The root is a local directory or any fsspec URL (``memory://``, ``s3://`` …).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from budget_etl.errors import Reason, StoreError


@dataclass(frozen=True)
class StoredFile:
    """Where a stored file lives: its hash, a URI that ``RawStore`` and fsspec can open, its size."""

    sha256: str
    uri: str
    size: int


def hash_bytes(data: bytes) -> str:
    """The sha256 hex digest: the file's identity everywhere in the pipeline."""
    return hashlib.sha256(data).hexdigest()


def relative_key(sha256: str) -> str:
    """Fan out by the first two hex digits so no directory holds millions of files."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise StoreError(Reason.STORE_FAILED, f"not a sha256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256}.bin"


class RawStore:
    """Content-addressed file store over a local directory or an fsspec URL.

    ``RawStore("data/raw")`` and ``RawStore("memory://raw")`` behave the same; local writes
    go to a temporary file in the target directory and are renamed into place, so a reader
    never sees half a file.
    """

    def __init__(self, url: str) -> None:
        self.url = str(url)
        self._fs, root = fsspec.core.url_to_fs(self.url)
        self._local = isinstance(self._fs, LocalFileSystem)
        self._root = str(Path(root).resolve()) if self._local else root.rstrip("/")

    def put(self, data: bytes) -> StoredFile:
        """Store ``data`` (idempotent: an existing file with the same hash is left alone)."""
        sha256 = hash_bytes(data)
        path = self._path(sha256)
        if not self._fs.exists(path):
            try:
                self._write_atomically(path, data)
            except OSError as exc:
                raise StoreError(
                    Reason.STORE_FAILED, f"cannot write raw file {path}: {exc}", transient=True
                ) from exc
        return StoredFile(sha256=sha256, uri=self._uri(path), size=len(data))

    def get(self, sha256: str) -> bytes:
        """The stored bytes, verified against their hash (a damaged file is an error, not data)."""
        path = self._path(sha256)
        try:
            data: bytes = self._fs.cat_file(path)
        except FileNotFoundError as exc:
            raise StoreError(
                Reason.RAW_FILE_MISSING, f"raw file {sha256} is not in the store at {self.url}"
            ) from exc
        actual = hash_bytes(data)
        if actual != sha256:
            raise StoreError(
                Reason.RAW_FILE_CORRUPT,
                f"raw file {sha256} is damaged: its content hashes to {actual}",
            )
        return data

    def exists(self, sha256: str) -> bool:
        return bool(self._fs.exists(self._path(sha256)))

    def uri_of(self, sha256: str) -> str:
        """The URI a file with this hash has (or would have) in this store."""
        return self._uri(self._path(sha256))

    def _path(self, sha256: str) -> str:
        return f"{self._root}/{relative_key(sha256)}"

    def _uri(self, path: str) -> str:
        if self._local:
            return path
        return str(self._fs.unstrip_protocol(path))

    def _write_atomically(self, path: str, data: bytes) -> None:
        if self._local:
            directory = os.path.dirname(path)
            os.makedirs(directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            return
        tmp = f"{path}.incoming-{uuid.uuid4().hex}"
        self._fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        self._fs.pipe_file(tmp, data)
        self._fs.mv(tmp, path)
