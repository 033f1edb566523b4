"""Real Excel 97-2003 .xls and Word 97-2003 .doc files score 100%, like the .xlsx / .docx they come from.

The legacy files are made the way a department makes them: the corpus generator's .xlsx / .docx
saved as .xls / .doc by a headless LibreOffice (``soffice --headless --convert-to``; Debian's
libreoffice-calc-nogui and libreoffice-writer-nogui, installed by ``make system-deps``). The
.xls is then read by xlrd, the .doc by LibreOffice again (converted to .docx). Without
LibreOffice these tests skip loudly — and fail under CI, where ``make test`` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from budget_etl.errors import ExtractError, Reason
from tasks.extract import extract_document
from tests.extract.scoring import score_extract
from tests.extract.test_office import SEEDS, layout_free_golden, office_file

#: legacy format → the modern file the generator writes
FROM = {"xls": "xlsx", "doc": "docx"}
_LEGACY: dict[str, dict[str, bytes]] = {}
#: one LibreOffice profile for the session (creating one takes LibreOffice most of its first run)
_PROFILE: list[str] = []


def soffice_or_skip() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        problem = ("SKIPPED LOUDLY: no headless LibreOffice (soffice) to make real .xls/.doc files: "
                   "make system-deps installs libreoffice-calc-nogui libreoffice-writer-nogui (as root)")
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return soffice


def legacy_files(kind: str) -> dict[str, bytes]:
    """Every seed's Office original saved as ``kind`` — one LibreOffice run for all of them."""
    if kind not in _LEGACY:
        soffice = soffice_or_skip()
        _PROFILE[:] = _PROFILE or [tempfile.mkdtemp(prefix="budget-etl-soffice-profile-")]
        with tempfile.TemporaryDirectory(prefix="budget-etl-legacy-") as tmp:
            sources = []
            for seed in SEEDS:
                data, stem = office_file(seed, FROM[kind])
                sources.append(Path(tmp) / f"{stem}.{FROM[kind]}")
                sources[-1].write_bytes(data)
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{_PROFILE[0]}", "--headless", "--convert-to", kind,
                 "--outdir", tmp, *map(str, sources)],
                check=True, capture_output=True, timeout=600,
            )
            _LEGACY[kind] = {p.stem: (Path(tmp) / f"{p.stem}.{kind}").read_bytes() for p in sources}
    return _LEGACY[kind]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xls", "doc"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_real_legacy_office_file_scores_100_percent(seed: Path, kind: str) -> None:
    files = legacy_files(kind)
    stem = seed.name[:3]
    data = files[stem]
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file, as Office 97-2003 writes"
    actual = extract_document(data).to_dict()
    score = score_extract(actual, layout_free_golden(stem))
    print(f"{kind} {stem}: {score.matched}/{score.total}")
    assert score.ratio == 1.0, "\n".join(score.mismatches[:20])
    assert actual["document"]["reader"] == kind
    assert score.total > 500


def test_a_real_doc_without_libreoffice_is_unsupported_format_saying_what_would_read_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No soffice on PATH (a machine without LibreOffice): the .doc is refused with what would read it."""
    data = legacy_files("doc")[SEEDS[0].name[:3]]
    empty = tempfile.mkdtemp(prefix="budget-etl-no-soffice-")
    monkeypatch.setenv("PATH", empty)
    assert shutil.which("soffice") is None and shutil.which("libreoffice") is None
    with pytest.raises(ExtractError) as caught:
        extract_document(data)
    assert caught.value.reason == Reason.UNSUPPORTED_FORMAT
    assert caught.value.evidence["detected"] == "doc"
    assert "LibreOffice" in caught.value.message and "soffice" in caught.value.message
