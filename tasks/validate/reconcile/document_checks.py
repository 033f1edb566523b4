"""The checks a finance bureau's reviewer runs on the document itself, beside the arithmetic.

A published 部门预算 / 部门决算 can add up and still be wrong: a template placeholder left in
(``XX局``), a heading naming another year, a sentence whose comparison word contradicts its own
figures (``增加12万元，下降3%``), a percentage that the stated figures do not give, a table the
目录 lists but the document lacks, a 空表 note under a table that has figures, a 合计 left blank
in a row whose parts are printed. Each check is named, reads text and tables only, and points at
the page. Wordings are data (``budget_etl/vocabulary/document_checks.yaml``); a sentence the
patterns do not read is not compared (never guessed), so a clean document raises nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from budget_etl.contract import OTHER_TABLE, STANDARD_TABLES, TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable
from budget_etl.findings import Finding, Severity
from budget_etl.vocabulary import load
from tasks.extract.placeholders import placeholders_in
from tasks.validate.amounts import is_number, to_amount
from tasks.validate.evidence import finding_at
from tasks.validate.lookup import prints_column
from tasks.validate.reconcile.narrative import PAGE_FOOTER
from tasks.validate.settings import ValidateSettings

PLACEHOLDER = "document.placeholder"
HEADING_YEAR = "document.heading_year"
AS_OF_YEAR = "document.as_of_year"
CHANGE_DIRECTION = "document.change_direction"
CHANGE_PERCENT = "document.change_percent"
COMPARISON_WORD = "document.comparison_word"
COMPLETION_PERCENT = "document.completion_percent"
UNDECIDED_WORDING = "document.undecided_wording"
LISTED_TABLE_MISSING = "document.listed_table_missing"
NOTE_ON_FILLED_TABLE = "document.note_on_filled_table"
BLANK_FIGURE = "document.blank_figure"

CHECK_NAMES = (
    PLACEHOLDER,
    HEADING_YEAR,
    AS_OF_YEAR,
    CHANGE_DIRECTION,
    CHANGE_PERCENT,
    COMPARISON_WORD,
    COMPLETION_PERCENT,
    LISTED_TABLE_MISSING,
    NOTE_ON_FILLED_TABLE,
    BLANK_FIGURE,
)

_NUMBER = r"(\d(?:[\d,，]*\d)?(?:[.．]\d+)?)"
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SENTENCE_END = re.compile(r"[。；;！？\n]")
_HEADING_PUNCTUATION = re.compile(r"[，,。；;：:、]\S")  # 一、… numbering is allowed, clauses are not
#: a printed page number at the end of any line (``—5 —``, ``─7─``, ``- 13 -``), not only the page's last
_LINE_FOOTER = re.compile(r"\s*[-－—–─]\s*\d{1,4}\s*[-－—–─]\s*$", re.MULTILINE)


@cache
def vocabulary() -> dict:
    return load("document_checks")


def number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", "").replace("．", "."))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class PageText:
    page: int
    text: str


_BARE_PAGE_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])\s*(\d{1,3})\s*$")


def drop_page_number(text: str, page: int) -> str:
    """A bare printed page number glued to the page's last word (``…增长`` + ``3``): at most the
    PDF page, right after a CJK character (a figure would end in 元 or %)."""
    match = _BARE_PAGE_NUMBER.search(text)
    if match and 0 < int(match.group(1)) <= page:
        return text[: match.start()]
    return text


def page_texts(doc: ExtractedDocument) -> list[PageText]:
    """Each narrative page's text, printed page numbers removed so sentences run on."""
    return [
        PageText(b.page, drop_page_number(_LINE_FOOTER.sub("", PAGE_FOOTER.sub("", b.text)), b.page))
        for b in doc.narrative
    ]


def sentences(doc: ExtractedDocument) -> Iterator[tuple[int, str]]:
    """(page, sentence) over the running text; a sentence cut by a page break is joined."""
    carry, carry_page = "", 0
    for block in page_texts(doc):
        text = carry + block.text.replace("\n", "")
        page = carry_page if carry else block.page
        parts = _SENTENCE_END.split(text)
        for part in parts[:-1]:
            if part.strip():
                yield page, part
            page = block.page
        carry, carry_page = parts[-1], page
    if carry.strip():
        yield carry_page, carry


def sentences_in_context(doc: ExtractedDocument) -> Iterator[tuple[int, str, str]]:
    """(page, sentence, the sentence before it): a 决算 说明 states a figure in one sentence and
    compares it in the next (``总计9859.38万元。与2023年度相比，总计增加…`` / ``…决算数小于预算数的原因``)."""
    previous = ""
    for page, sentence in sentences(doc):
        yield page, sentence, previous
        previous = sentence


# ---- placeholders ------------------------------------------------------------------------------


def placeholder_sites(doc: ExtractedDocument) -> Iterator[tuple[str, ExtractedTable | None, list[int], str]]:
    """(placeholder, table, pages, context) in the running text, table titles and row labels."""
    for block in doc.narrative:
        for line in block.text.splitlines():
            for hit in placeholders_in(line):
                yield hit, None, [block.page], line.strip()
    for table in doc.tables:
        for hit in placeholders_in(table.title):
            yield hit, table, list(table.pages), table.title
        for record in table.records:
            for field in ("name", "item", "group"):
                value = record.get(field)
                if isinstance(value, str):
                    for hit in placeholders_in(value):
                        yield hit, table, list(table.pages), value


def check_placeholders(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings = []
    for hit, table, pages, context in placeholder_sites(doc):
        finding = finding_at(
            PLACEHOLDER,
            f"template placeholder {hit!r} left in the document: {context[:80]!r}",
            table=table,
            expected="the real wording",
            actual=hit,
        )
        finding.pages = pages
        findings.append(finding)
    return findings


# ---- years -------------------------------------------------------------------------------------


def is_heading(line: str) -> bool:
    compact = re.sub(r"\s+", "", line)
    return 0 < len(compact) <= vocabulary()["heading_max_chars"] and not _HEADING_PUNCTUATION.search(compact)


def compares(text: str) -> bool:
    return bool(re.search(vocabulary()["comparison_context"], text))


def check_heading_years(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """Table titles and headings name the document's year (a heading comparing years may name two)."""
    year = doc.document.budget_year
    if year is None:
        return []
    findings = []
    sites: list[tuple[str, ExtractedTable | None, list[int]]]
    # 绩效 forms and other tables name projects in their titles: only the standard tables are read
    sites = [(t.title, t, list(t.pages)) for t in doc.tables if t.type in STANDARD_TABLES]
    sites += [
        (line, None, [b.page])
        for b in doc.narrative
        for line in b.text.splitlines()
        if is_heading(line) and re.search(r"预算|决算", line)
    ]
    for text, table, pages in sites:
        years = {int(y) for y in _YEAR.findall(text)}
        wrong = sorted(y for y in years if y != year)
        if not wrong or (compares(text) and year in years):
            continue
        finding = finding_at(
            HEADING_YEAR,
            f"heading {text.strip()[:60]!r} names {wrong[0]}年 but the document is of {year}年",
            table=table,
            expected=year,
            actual=wrong[0],
        )
        finding.pages = pages
        findings.append(finding)
    return findings


def check_as_of_years(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """``截至YYYY年…`` dates fall in the years the kind of document reports on."""
    year = doc.document.budget_year
    if year is None:
        return []
    offsets = vocabulary()["as_of_years"]
    allowed = {year + o for o in offsets.get(doc.document.kind, offsets["default"])}
    findings = []
    for page, sentence in sentences(doc):
        for match in re.finditer(r"截[至止]\s*((?:19|20)\d{2})\s*年", sentence):
            stated = int(match.group(1))
            if stated in allowed:
                continue
            findings.append(
                Finding(
                    check=AS_OF_YEAR,
                    severity=Severity.ERROR,
                    message=f"{sentence[match.start() : match.start() + 30]!r}: a {year}年 document states "
                    f"a date in {stated}年 (expected {sorted(allowed)})",
                    expected=sorted(allowed),
                    actual=stated,
                    pages=[page],
                )
            )
    return findings


# ---- words of change and comparison ------------------------------------------------------------


def word_sign(word: str) -> int | None:
    v = vocabulary()
    if any(word.startswith(w) for w in v["increase_words"]):
        return 1
    if any(word.startswith(w) for w in v["decrease_words"]):
        return -1
    return None


@cache
def change_pattern() -> re.Pattern[str]:
    v = vocabulary()
    change = "|".join(sorted(v["increase_words"] + v["decrease_words"], key=len, reverse=True))
    return re.compile(
        _NUMBER
        + r"\s*(亿|万)?元[，,]?\s*(?:与|比|较)(?:(?:19|20)\d{2}年度?)?[^，,。0-9]{0,12}?(?:相比)?[，,]?"
        r"[^，,。0-9]{0,14}?"
        rf"({change})了?\s*{_NUMBER}\s*(亿|万)?元[，,]\s*({change})了?\s*{_NUMBER}\s*[%％]"
    )


@dataclass(frozen=True)
class StatedChange:
    page: int
    sentence: str
    current: Decimal
    change_word: str
    change: Decimal
    percent_word: str
    percent: Decimal
    percent_places: int


def stated_changes(doc: ExtractedDocument) -> Iterator[StatedChange]:
    """``A万元，与上年相比增加B万元，增长P%`` sentences, read whole (a unit switch or an undecided
    ``增加（减少）`` is not read)."""
    undecided = re.compile(vocabulary()["undecided"])
    for page, sentence, previous in sentences_in_context(doc):
        if re.match(r"\s*(?:与|比|较)", sentence) and previous:
            sentence = previous + "，" + sentence  # the figure is the previous sentence's last
        if undecided.search(sentence):
            continue
        for m in change_pattern().finditer(sentence):  # spaces kept: "40 24万元" is no figure
            current, change, percent = number(m.group(1)), number(m.group(4)), number(m.group(7))
            if current is None or change is None or percent is None or m.group(2) != m.group(5):
                continue
            places = len(m.group(7).split(".")[1]) if "." in m.group(7) else 0
            yield StatedChange(page, m.group(0), current, m.group(3), change, m.group(6), percent, places)


def check_change_direction(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """``增加12万元，下降3%``: the two words of one change contradict each other."""
    findings = []
    for c in stated_changes(doc):
        a, b = word_sign(c.change_word), word_sign(c.percent_word)
        if a is None or b is None or a == b or c.change == 0:
            continue
        findings.append(
            Finding(
                check=CHANGE_DIRECTION,
                severity=Severity.ERROR,
                message=f"{c.sentence!r}: the change is stated as {c.change_word} and as {c.percent_word}",
                expected=c.change_word,
                actual=c.percent_word,
                pages=[c.page],
            )
        )
    return findings


def check_change_percent(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """The stated percentage is the change over last year's figure (this year's ∓ the change)."""
    findings = []
    for c in stated_changes(doc):
        sign = word_sign(c.change_word)
        if sign is None or word_sign(c.percent_word) != sign:
            continue
        before = c.current - sign * c.change
        if before <= 0 or c.change == 0:
            continue  # a new item (增加 = the whole figure) has no percentage to check
        computed = c.change / before * 100
        # the stated figure is rounded at its printed places, the two amounts to the cent
        slack = Decimal(5) / Decimal(10) ** (c.percent_places + 1) + Decimal("0.01")
        slack += Decimal("0.01") / before * 100 * (1 + computed / 100)  # each amount is rounded too
        if abs(computed - c.percent) <= slack:
            continue
        findings.append(
            Finding(
                check=CHANGE_PERCENT,
                severity=Severity.ERROR,
                message=f"{c.sentence!r}: {c.change} on last year's {before} is "
                f"{computed.quantize(Decimal('0.01'))}%, not the stated {c.percent}%",
                expected=computed.quantize(Decimal("0.01")),
                actual=c.percent,
                pages=[c.page],
            )
        )
    return findings


@cache
def comparison_pattern() -> re.Pattern[str]:
    v = vocabulary()
    terms = sorted({w for words in v["compared_terms"].values() for w in words}, key=len, reverse=True)
    verbs = sorted(v["greater_words"] + v["less_words"] + v["equal_words"], key=len, reverse=True)
    term = "|".join(terms)
    return re.compile(rf"({term})({'|'.join(verbs)})({term})")


def term_of(word: str) -> str | None:
    for slug, words in vocabulary()["compared_terms"].items():
        if word in words:
            return slug
    return None


def figure_of(sentence: str, term: str) -> Decimal | None:
    """The one figure the sentence states for a term (``预算数为120.00万元``); None when not one."""
    words = "|".join(sorted(vocabulary()["compared_terms"][term], key=len, reverse=True))
    hits = re.findall(rf"(?:{words})(?:为|是)?\s*{_NUMBER}\s*(亿|万)?元", sentence)
    values = {(number(n), u) for n, u in hits}
    if len(values) != 1:
        return None
    return next(iter(values))[0]


def check_comparison_words(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """``决算数大于预算数`` against the 决算数 and 预算数 the same sentence states."""
    v = vocabulary()
    findings = []
    for page, sentence, previous in sentences_in_context(doc):
        text = sentence.replace(" ", "")
        for m in comparison_pattern().finditer(text):
            left, right = term_of(m.group(1)), term_of(m.group(3))
            if left is None or right is None or left == right:
                continue
            before = text[: m.start()]
            if figure_of(before, left) is None and figure_of(before, right) is None:
                before = previous.replace(" ", "")  # the figures were stated in the sentence before
            a, b = figure_of(before, left), figure_of(before, right)
            if a is None or b is None:
                continue
            verb = m.group(2)
            holds = a > b if verb in v["greater_words"] else a < b if verb in v["less_words"] else a == b
            if holds:
                continue
            findings.append(
                Finding(
                    check=COMPARISON_WORD,
                    severity=Severity.ERROR,
                    message=f"{text[:120]!r}: says {m.group(0)} "
                    f"but states {m.group(1)} {a} and {m.group(3)} {b}",
                    expected=f"{a} {'>' if a > b else '<' if a < b else '='} {b}",
                    actual=m.group(0),
                    pages=[page],
                )
            )
    return findings


_COMPLETION = re.compile(
    rf"预算(?:数)?为{_NUMBER}\s*(亿|万)?元[，,]\s*(?:支出)?决算(?:数)?为{_NUMBER}\s*(亿|万)?元[，,]\s*"
    rf"完成[^，,。0-9]{{0,8}}?的{_NUMBER}\s*[%％]"
)


def check_completion_percent(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """``年初预算为A万元，支出决算为B万元，完成年初预算的P%``: P is B / A (rounded or cut at its places)."""
    findings = []
    for page, sentence in sentences(doc):
        for m in _COMPLETION.finditer(sentence.replace(" ", "")):
            budget, final, percent = number(m.group(1)), number(m.group(3)), number(m.group(5))
            if budget is None or final is None or percent is None or budget == 0 or m.group(2) != m.group(4):
                continue
            places = len(m.group(5).split(".")[1]) if "." in m.group(5) else 0
            computed = final / budget * 100
            slack = Decimal(1) / Decimal(10) ** places + Decimal("0.01") / budget * 100 * (1 + computed / 100)
            if abs(computed - percent) <= slack:
                continue
            findings.append(
                Finding(
                    check=COMPLETION_PERCENT,
                    severity=Severity.ERROR,
                    message=f"{m.group(0)!r}: {final} of {budget} is {computed.quantize(Decimal('0.01'))}%, "
                    f"not the stated {percent}%",
                    expected=computed.quantize(Decimal("0.01")),
                    actual=percent,
                    pages=[page],
                )
            )
    return findings


def check_undecided_wording(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """The template's alternatives left in (``增加（减少）0万元``, ``下降（增长）27.78%``): the author chose
    no word, so the sentence says nothing about the direction. A warning: the figures may still be right."""
    pattern = re.compile(vocabulary()["undecided_wording"])
    findings = []
    for page, sentence in sentences(doc):
        for m in pattern.finditer(sentence):
            findings.append(
                Finding(
                    check=UNDECIDED_WORDING,
                    severity=Severity.WARNING,
                    message=f"template alternatives {m.group(0)!r} left in: {sentence.strip()[:80]!r}",
                    expected="one word of change",
                    actual=m.group(0),
                    pages=[page],
                )
            )
    return findings


# ---- tables: listed, noted, blank --------------------------------------------------------------

_TOC_ITEM = re.compile(r"(?:^|(?<=[表明\n]))\s*(?:[一二三四五六七八九十]+、|\d{1,2}[.．、](?!\d))")
_TOC_LEADERS = re.compile(r"\s*(?:[.…·．]{2,}|…)+\s*\d{0,3}\s*")
_TOC_TRAILER = re.compile(r"\s+\d{1,3}\s*$")


def contents_titles(doc: ExtractedDocument) -> list[tuple[int, str]]:
    """Table titles the 目录 lists: (page, title), split at their numbering, leaders and page numbers cut."""
    from tasks.extract.titles import match_title  # the extractor's own reading of a title

    out = []
    for block in doc.narrative:
        if "目录" not in re.sub(r"\s+", "", block.text)[:40]:
            continue
        for line in _TOC_LEADERS.sub("\n", block.text).splitlines():
            for piece in _TOC_ITEM.split(line):
                piece = _TOC_TRAILER.sub("", piece).strip()
                found = match_title(piece) if piece else None
                if found is not None and found.slug != OTHER_TABLE:
                    out.append((block.page, found.slug))
    return out


def check_listed_tables(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A table the 目录 lists is in the document (a narrative-only file's tables are filed apart)."""
    if doc.document.narrative_only:
        return []
    present = {t.type for t in doc.tables}
    findings, seen = [], set()
    for page, slug in contents_titles(doc):
        if slug in present or slug in seen:
            continue
        seen.add(slug)
        findings.append(
            Finding(
                check=LISTED_TABLE_MISSING,
                severity=Severity.ERROR,
                message=f"the 目录 lists {TABLE_TYPES[slug].title} but the document prints no such table",
                table=slug,
                expected="present",
                actual="missing",
                pages=[page],
            )
        )
    return findings


def amount_values(table: ExtractedTable) -> list[Decimal]:
    fields = TABLE_TYPES[table.type].amount_fields if table.type in TABLE_TYPES else ()
    return [to_amount(r.get(f)) for r in table.records for f in fields if is_number(r.get(f))]


def check_note_on_filled_table(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A 空表 note under a table that prints non-zero figures contradicts the table."""
    words = re.compile(vocabulary()["empty_note_words"])
    findings = []
    for table in doc.tables:
        if not table.empty_note or not table.records or not words.search(table.empty_note):
            continue
        nonzero = [v for v in amount_values(table) if v != 0]
        if not nonzero:
            continue  # a grid of zeros under "本表为空表" says the same thing twice
        findings.append(
            finding_at(
                NOTE_ON_FILLED_TABLE,
                f"{table.title}: the note {table.empty_note!r} says the table is empty but it prints "
                f"{len(nonzero)} non-zero figure(s)",
                table=table,
                expected="no 空表 note",
                actual=table.empty_note,
            )
        )
    return findings


#: per table type, the total field and the part fields that make it up
def parts_of(slug: str) -> tuple[str, tuple[str, ...]] | None:
    spec = TABLE_TYPES.get(slug)
    if spec is None or "total" not in spec.amount_fields:
        return None
    parts = tuple(f for f in spec.amount_fields if f not in {"total", "current_year_subtotal"})
    return ("total", parts) if parts else None


def check_blank_figures(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A row whose parts print figures has its total printed too (a blanked-out 合计)."""
    findings = []
    for table in doc.tables:
        shape = parts_of(table.type)
        if shape is None:
            continue
        total, parts = shape
        if not prints_column(table, total):
            continue  # a template that prints no total column makes no claim
        for record in table.records:
            if record.get(total) is not None:
                continue
            printed = [f for f in parts if is_number(record.get(f)) and to_amount(record.get(f)) != 0]
            if not printed:
                continue
            findings.append(
                finding_at(
                    BLANK_FIGURE,
                    f"{table.title}: {record.get('name') or record.get('code')!s} prints "
                    f"{', '.join(printed)} but its {total} is blank",
                    table=table,
                    record=record,
                    field=total,
                    expected="a figure",
                    actual=None,
                )
            )
    return findings
