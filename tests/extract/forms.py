"""A 绩效目标表 drawn at test time, with the perturbations real templates show.

One project (``FormProject``) is drawn as a ruled form on A4 with reportlab's built-in CID font
``STSong-Light`` (metrics ship with reportlab, no font file is needed): labels in the words the
``FormStyle`` picks (each synonym of the vocabulary, spaced ``项 目 编 码``, wrapped ``项目\\n编码``),
the title over 1–3 lines, the indicator rows broken by a page break — between two rows, or
inside one row (each cell's first lines above the break, the rest below, as word processors
do). ``expected_record`` is the record the data dictionary asks for, stated from the project's
own data, never from an extraction.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
SIZE = 9.0
LEADING = 12.0
PAD = 3.0
TITLE_SIZE = 11.0
LEFT, TOP_MARGIN = 50.0, 50.0
#: seven grid columns; the form's cells span them
COLUMNS = (62.0, 56.0, 62.0, 100.0, 60.0, 80.0, 75.0)


@dataclass(frozen=True)
class FormIndicator:
    level1: str
    level2: str
    level3: str
    description: str
    target: str
    basis: str
    #: what the target means, stated by hand: (op, value, unit, max)
    parsed: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)


@dataclass(frozen=True)
class FormProject:
    seq: int
    title: str
    unit_code: str
    unit_name: str
    project_code: str
    project_name: str
    budget_total: str
    fiscal_funds: str
    other_funds: str
    purpose: str
    plan: tuple[str, str, str, str]
    goals: str
    indicators: tuple[FormIndicator, ...]


@dataclass(frozen=True)
class FormStyle:
    #: field → the label printed for it
    labels: dict[str, str] = field(default_factory=dict)
    spaced: bool = False  # 项 目 编 码
    wrapped: bool = False  # 项目 / 编码 on two lines of the label cell
    title_lines: int = 1
    #: page break after this many indicator rows (None: one page)
    break_after: int | None = None
    #: the indicator row at the break is cut in two (its first lines above, the rest below)
    cut_row: bool = False


DEFAULT_LABELS = {
    "project_code": "项目编码",
    "project_name": "项目名称",
    "budget_total": "预算数",
    "fiscal_funds": "其中：财政资金",
    "other_funds": "其他资金",
    "goals": "绩效目标",
}


def sample_project() -> FormProject:
    """A made-up project (no real place): wrapped names in every indicator column."""
    return FormProject(
        seq=3,
        title="冀财社〔2024〕12号2024年中央财政就业补助资金（第二批）绩效目标表",
        unit_code="901001",
        unit_name="示例县人力资源和社会保障局本级",
        project_code="13099925P00012340001L",
        project_name="就业补助资金（第二批）",
        budget_total="120.50",
        fiscal_funds="100.50",
        other_funds="20.00",
        purpose="用于职业技能培训补贴和公益性岗位补贴的发放",
        plan=("25%", "50%", "75%", "100%"),
        goals="完成职业技能培训任务，落实各项就业补贴政策",
        indicators=(
            FormIndicator(
                "产出指标",
                "数量",
                "职业技能培训人数",
                "参加职业技能培训的人数",
                "不低于1，000人",
                "年度工作计划",
                (">=", "1000", "人", None),
            ),
            FormIndicator(
                "产出指标",
                "质量",
                "补贴发放准确率",
                "补贴资金发放准确的比例",
                "90%-100%",
                "年度工作计划",
                ("between", "90", "%", "100"),
            ),
            FormIndicator(
                "产出指标",
                "时效",
                "补贴发放及时性",
                "补贴资金按时发放",
                "12月底前",
                "年度工作计划",
                ("<=", "12", "月底", None),
            ),
            FormIndicator(
                "效益指标",
                "社会效益指标",
                "就业困难人员帮扶效果",
                "帮扶就业困难人员实现就业",
                "≤500元/人月",
                "部门职责和年度计划",
                ("<=", "500", "元/人月", None),
            ),
            FormIndicator(
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度调查比例",
                "通过问卷调查满意和较满意的受益对象占全部调研对象的比例",
                "95%以上",
                "年度工作计划和部门职责",
                (">=", "95", "%", None),
            ),
            FormIndicator(
                "满意度指标",
                "服务对象满意度指标",
                "群众满意程度",
                "群众对就业服务的评价",
                "效果显著",
                "年度工作计划和部门职责",
            ),
        ),
    )


def expected_record(project: FormProject) -> dict[str, Any]:
    """The ``project_performance`` record the form must give (lineage keys aside)."""
    plan = [Decimal(p.rstrip("%")) for p in project.plan]
    return {
        "seq": project.seq,
        "title": project.title,
        "unit_code": project.unit_code,
        "unit_name": project.unit_name,
        "project_code": project.project_code,
        "project_name": project.project_name,
        "budget_total": Decimal(project.budget_total),
        "fiscal_funds": Decimal(project.fiscal_funds),
        "other_funds": Decimal(project.other_funds),
        "purpose": project.purpose,
        "plan_mar": plan[0],
        "plan_jun": plan[1],
        "plan_oct": plan[2],
        "plan_dec": plan[3],
        "goals": project.goals,
        "indicators": [
            {
                "level1": i.level1,
                "level2": i.level2,
                "level3": i.level3,
                "description": i.description,
                "target": i.target,
                "basis": i.basis,
                "target_op": i.parsed[0],
                "target_value": None if i.parsed[1] is None else Decimal(i.parsed[1]),
                "target_unit": i.parsed[2],
                "target_max": None if i.parsed[3] is None else Decimal(i.parsed[3]),
            }
            for i in project.indicators
        ],
    }


# ----------------------------------------------------------------------------------- drawing


def em_width(ch: str) -> float:
    return 1.0 if ord(ch) >= 0x2E80 else 0.5


def wrap(text: str, width: float) -> list[str]:
    """Greedy lines of at most ``width`` points; breaks only between two CJK characters (so a
    reader joining the lines and dropping CJK–CJK whitespace gets the text back exactly)."""
    capacity = (width - 2 * PAD) / SIZE
    lines: list[str] = []
    line, used = "", 0.0
    pieces: list[str] = []
    for ch in text:  # a Latin/digit character sticks to both neighbours
        if pieces and (ord(ch) < 0x2E80 or ord(pieces[-1][-1]) < 0x2E80):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    for piece in pieces:
        w = sum(em_width(c) for c in piece)
        if line and used + w > capacity:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + piece, used + w
    if line:
        lines.append(line)
    return lines or [""]


def label_text(label: str, style: FormStyle) -> str:
    if style.wrapped and len(label) >= 2:
        half = len(label) // 2
        label = f"{label[:half]}\n{label[half:]}"
    if style.spaced:
        label = "\n".join(" ".join(part) for part in label.split("\n"))
    return label


@dataclass
class _Cell:
    col: int
    span: int
    text: str
    rows: int = 1  # rowspan
    lines: list[str] = field(default_factory=list)


def _x(col: int) -> float:
    return LEFT + sum(COLUMNS[:col])


def _width(cell: _Cell) -> float:
    return sum(COLUMNS[cell.col : cell.col + cell.span])


def _lines(cell: _Cell) -> list[str]:
    if cell.lines:
        return cell.lines
    out: list[str] = []
    for part in cell.text.split("\n"):
        if " " in part:  # a spaced label (项 目 编 码): wrapped as the wider text it is
            out += [" ".join(line) for line in wrap(part.replace(" ", ""), _width(cell) / 1.5 + PAD)]
        else:
            out += wrap(part, _width(cell))
    return out


def _head_rows(p: FormProject, style: FormStyle) -> list[list[_Cell]]:
    label = {k: label_text(style.labels.get(k, v), style) for k, v in DEFAULT_LABELS.items()}
    return [
        [
            _Cell(0, 1, label["project_code"]),
            _Cell(1, 2, p.project_code),
            _Cell(3, 1, label["project_name"]),
            _Cell(4, 3, p.project_name),
        ],
        [
            _Cell(0, 1, "预算规模及资金用途", rows=2),
            _Cell(1, 1, label["budget_total"]),
            _Cell(2, 1, p.budget_total),
            _Cell(3, 1, label["fiscal_funds"]),
            _Cell(4, 1, p.fiscal_funds),
            _Cell(5, 1, label["other_funds"]),
            _Cell(6, 1, p.other_funds),
        ],
        [_Cell(1, 6, p.purpose)],
        [
            _Cell(0, 1, "资金支出计划（%）", rows=2),
            _Cell(1, 2, "3月底"),
            _Cell(3, 1, "6月底"),
            _Cell(4, 1, "10月底"),
            _Cell(5, 2, "12月底"),
        ],
        [_Cell(1, 2, p.plan[0]), _Cell(3, 1, p.plan[1]), _Cell(4, 1, p.plan[2]), _Cell(5, 2, p.plan[3])],
        [_Cell(0, 1, label["goals"]), _Cell(1, 6, p.goals)],
    ]


def _indicator_header() -> list[_Cell]:
    return [
        _Cell(0, 1, "一级指标"),
        _Cell(1, 1, "二级指标"),
        _Cell(2, 1, "三级指标"),
        _Cell(3, 1, "绩效指标描述"),
        _Cell(4, 1, "指标值"),
        _Cell(5, 2, "指标值确定依据"),
    ]


def _indicator_row(ind: FormIndicator, first_of_group: bool) -> list[_Cell]:
    return [
        _Cell(0, 1, ind.level1 if first_of_group else ""),
        _Cell(1, 1, ind.level2),
        _Cell(2, 1, ind.level3),
        _Cell(3, 1, ind.description),
        _Cell(4, 1, ind.target),
        _Cell(5, 2, ind.basis),
    ]


def _cut(row: list[_Cell]) -> tuple[list[_Cell], list[_Cell]]:
    """A row cut by the page break: each cell's first line above, the rest below."""
    above, below = [], []
    for cell in row:
        lines = _lines(cell)
        above.append(replace(cell, lines=lines[:1] or [""]))
        below.append(replace(cell, lines=lines[1:] or [""]))
    return above, below


def _row_height(row: list[_Cell]) -> float:
    return max(len(_lines(c)) for c in row if c.rows == 1) * LEADING + 2 * PAD


def _draw_rows(pdf: canvas.Canvas, rows: list[list[_Cell]], top: float) -> float:
    """Draw rows from ``top`` (distance from the page top); returns the bottom."""
    page_h = A4[1]
    heights = [_row_height(r) for r in rows]
    y = top
    for i, row in enumerate(rows):
        for cell in row:
            height = sum(heights[i : i + cell.rows])
            x, w = _x(cell.col), _width(cell)
            pdf.rect(x, page_h - y - height, w, height, stroke=1, fill=0)
            for k, line in enumerate(_lines(cell)):
                pdf.drawString(x + PAD, page_h - y - PAD - SIZE - k * LEADING + 1.5, line)
        y += heights[i]
    return y


def render_form(project: FormProject, style: FormStyle | None = None) -> bytes:
    """The project as a one- or two-page PDF."""
    style = style or FormStyle()
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page_h = A4[1]
    title = f"{project.seq}.{project.title}"
    n = max(1, style.title_lines)
    cuts = [round(len(title) * k / n) for k in range(n + 1)]
    y = TOP_MARGIN
    pdf.setFont(FONT, TITLE_SIZE)
    for a, b in itertools.pairwise(cuts):
        pdf.drawString(LEFT, page_h - y - TITLE_SIZE, title[a:b])
        y += TITLE_SIZE * 1.25
    y += 6
    pdf.setFont(FONT, SIZE)
    pdf.drawString(LEFT, page_h - y - SIZE, f"{project.unit_code} {project.unit_name}")
    pdf.drawRightString(LEFT + sum(COLUMNS), page_h - y - SIZE, "单位：万元")
    y += SIZE + 8
    body = [
        _indicator_row(ind, i == 0 or ind.level1 != project.indicators[i - 1].level1)
        for i, ind in enumerate(project.indicators)
    ]
    first = [*_head_rows(project, style), _indicator_header()]
    if style.break_after is None:
        _draw_rows(pdf, first + body, y)
    else:
        k = style.break_after
        above, below = body[:k], body[k:]
        if style.cut_row:
            top_part, rest = _cut(below[0])
            above, below = [*above, top_part], [rest, *below[1:]]
        _draw_rows(pdf, first + above, y)
        pdf.showPage()
        pdf.setFont(FONT, SIZE)
        _draw_rows(pdf, [_indicator_header(), *below], TOP_MARGIN)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# ------------------------------------------------------------------------ 部门整体支出绩效目标表


@dataclass(frozen=True)
class DepartmentForm:
    title: str
    department: str
    budget_total: str
    fiscal_funds: str
    other_funds: str
    goals: str
    indicators: tuple[FormIndicator, ...]


def sample_department() -> DepartmentForm:
    project = sample_project()
    return DepartmentForm(
        title="2025年部门整体支出绩效目标表",
        department="示例县人力资源和社会保障局",
        budget_total="3500.00",
        fiscal_funds="3400.00",
        other_funds="100.00",
        goals="保障机关正常运转，完成年度就业和社会保障工作任务",
        indicators=project.indicators[:4],
    )


def expected_department_record(form: DepartmentForm) -> dict[str, Any]:
    base = expected_record(replace(sample_project(), indicators=form.indicators))
    return {
        "title": form.title,
        "unit_name": form.department,
        "budget_total": Decimal(form.budget_total),
        "fiscal_funds": Decimal(form.fiscal_funds),
        "other_funds": Decimal(form.other_funds),
        "goals": form.goals,
        "indicators": base["indicators"],
    }


def render_department_form(form: DepartmentForm) -> bytes:
    """部门名称 beside its value; 资金总额 / 财政拨款 / 其他资金 as a row of labels above their values."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page_h = A4[1]
    pdf.setFont(FONT, TITLE_SIZE)
    pdf.drawString(LEFT, page_h - TOP_MARGIN - TITLE_SIZE, form.title)
    pdf.setFont(FONT, SIZE)
    pdf.drawRightString(LEFT + sum(COLUMNS), page_h - TOP_MARGIN - TITLE_SIZE - 16, "单位：万元")
    rows = [
        [_Cell(0, 1, "部门（单位）名称"), _Cell(1, 6, form.department)],
        [
            _Cell(0, 1, "年度预算申请（万元）", rows=2),
            _Cell(1, 2, "资金总额"),
            _Cell(3, 2, "财政拨款"),
            _Cell(5, 2, "其他资金"),
        ],
        [_Cell(1, 2, form.budget_total), _Cell(3, 2, form.fiscal_funds), _Cell(5, 2, form.other_funds)],
        [_Cell(0, 1, "年度总体目标"), _Cell(1, 6, form.goals)],
        _indicator_header(),
        *[
            _indicator_row(ind, i == 0 or ind.level1 != form.indicators[i - 1].level1)
            for i, ind in enumerate(form.indicators)
        ],
    ]
    _draw_rows(pdf, rows, TOP_MARGIN + TITLE_SIZE + 24)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
