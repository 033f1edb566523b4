"""The raw store keeps every file by its hash, atomically, on a local disk or any fsspec URL."""

from __future__ import annotations

import uuid
from pathlib import Path

import fsspec
import pytest

from budget_etl.errors import Reason, StoreError
from storage.raw_store import RawStore, hash_bytes

PDF_BYTES = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> RawStore:
    if request.param == "local":
        return RawStore(str(tmp_path / "raw"))
    return RawStore(f"memory://raw-{uuid.uuid4().hex}")


def test_put_then_get_returns_the_same_bytes_under_their_hash(store: RawStore) -> None:
    stored = store.put(PDF_BYTES)
    assert stored.sha256 == hash_bytes(PDF_BYTES)
    assert stored.size == len(PDF_BYTES)
    assert store.exists(stored.sha256)
    assert store.get(stored.sha256) == PDF_BYTES
    with fsspec.open(stored.uri, "rb") as handle:  # the URI is openable as is
        assert handle.read() == PDF_BYTES


def test_put_is_idempotent(store: RawStore) -> None:
    assert store.put(PDF_BYTES) == store.put(PDF_BYTES)


def test_missing_file_is_a_named_error(store: RawStore) -> None:
    with pytest.raises(StoreError) as raised:
        store.get(hash_bytes(b"never stored"))
    assert raised.value.reason is Reason.RAW_FILE_MISSING
    assert not store.exists(hash_bytes(b"never stored"))


def test_damaged_file_is_detected_on_read(tmp_path: Path) -> None:
    store = RawStore(str(tmp_path))
    stored = store.put(PDF_BYTES)
    Path(stored.uri).write_bytes(PDF_BYTES[:-10])  # truncated on disk behind our back
    with pytest.raises(StoreError) as raised:
        store.get(stored.sha256)
    assert raised.value.reason is Reason.RAW_FILE_CORRUPT


def test_local_layout_fans_out_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = RawStore(str(tmp_path))
    stored = store.put(PDF_BYTES)
    assert Path(stored.uri) == tmp_path / stored.sha256[:2] / f"{stored.sha256}.bin"
    assert [p.name for p in (tmp_path / stored.sha256[:2]).iterdir()] == [f"{stored.sha256}.bin"]


def test_unwritable_root_is_a_store_error(tmp_path: Path) -> None:
    root = tmp_path / "not-a-directory"
    root.write_text("a file where the store's directory should be")
    with pytest.raises(StoreError) as raised:
        RawStore(str(root)).put(PDF_BYTES)
    assert raised.value.reason is Reason.STORE_FAILED
    assert raised.value.transient is True


def test_rejects_names_that_are_not_hashes(store: RawStore) -> None:
    with pytest.raises(StoreError):
        store.get("../../etc/passwd")
