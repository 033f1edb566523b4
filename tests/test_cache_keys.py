"""Cached extract/validate results are keyed by the stage's source and settings, not a frozen version."""

from __future__ import annotations

import sys
from pathlib import Path

from budget_etl.settings import Settings
from tasks.cache_keys import code_digest, settings_digest
from tasks.extract.settings import ExtractSettings
from tasks.extract.task import EXTRACT_CODE, cache_key_by_file

SHA = "ab" * 32


def test_a_changed_source_file_changes_the_code_digest(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "stage_under_test"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "step.py").write_text("THRESHOLD = 1\n")
    (package / "words.yaml").write_text("- 收入\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    before = code_digest("stage_under_test")
    (package / "words.yaml").write_text("- 收入\n- 支出\n")
    code_digest.cache_clear()
    after_vocabulary = code_digest("stage_under_test")
    (package / "step.py").write_text("THRESHOLD = 2\n")
    code_digest.cache_clear()
    after_code = code_digest("stage_under_test")

    assert len({before, after_vocabulary, after_code}) == 3
    sys.modules.pop("stage_under_test", None)


def test_the_extract_key_changes_with_the_extraction_settings() -> None:
    narrow = cache_key_by_file(None, {"sha256": SHA, "settings": Settings(max_pages=10)})
    wide = cache_key_by_file(None, {"sha256": SHA, "settings": Settings(max_pages=20)})
    again = cache_key_by_file(None, {"sha256": SHA, "settings": Settings(max_pages=10)})

    assert narrow != wide and narrow == again
    assert SHA in narrow and "-code" in narrow


def test_the_extract_key_names_the_extractor_source() -> None:
    key = cache_key_by_file(None, {"sha256": SHA, "settings": Settings()})

    assert f"-code{code_digest(*EXTRACT_CODE)}" in key
    assert f"-set{settings_digest(ExtractSettings.from_app_settings(Settings()))}" in key
