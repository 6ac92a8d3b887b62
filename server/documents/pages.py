"""The pages a document is printed on: the first page's header (agency, title, number,
act code as text and as a QR code in the top-right corner), a running header on later
pages, the footer with page x of y and the generation time, and the build itself:
``invariant`` so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Table,
)

from server.documents.layout import FONT, GREY, Paper, Sheet, qr_code, register_fonts, table_style


@dataclass(frozen=True)
class Meta:
    """What every page carries."""

    agency: str
    title: str
    doc_number: str
    act_code: str
    lines: dict  # the model's own lines: the act code's, the generation time's, the page's…

    @classmethod
    def of(cls, model: dict) -> Meta:
        """What every page of ``model`` (``sync.documents.compose``) carries."""
        fields = ("agency", "title", "doc_number", "act_code", "lines")
        return cls(**{k: model[k] for k in fields})


def header(sheet: Sheet, meta: Meta) -> Table:
    """First page: the agency as title line, the document's title and number, and the act
    code as a QR code with its text in the top-right corner."""
    paper, side = sheet.paper, sheet.paper.qr
    qr = [qr_code(meta.act_code, side)]
    titles = [
        sheet.para(meta.agency, "agency"),
        sheet.para(meta.title, "title"),
        sheet.para(meta.doc_number, "number"),
        sheet.para(meta.lines["act_code"], "code"),
    ]
    if meta.lines.get("public"):
        titles.append(sheet.para(meta.lines["public"], "code"))
    if paper.centred_header:
        cells, widths = [["", titles, qr]], [side, sheet.width - 2 * side, side]
    else:
        cells, widths = [[titles, qr]], [sheet.width - side, side]
    table = Table(cells, colWidths=widths)
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
        )
    )
    return table


def _running_header(meta: Meta, paper: Paper) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Later pages: a line naming the document, and a small QR code in the same corner."""
    side = 14 * mm if paper.name == "A4" else 11 * mm

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        top = paper.height - paper.top
        qr_code(meta.act_code, side).drawOn(canvas, paper.width - paper.right - side, top - side)
        size = paper.body * 0.75
        canvas.setFont(FONT, size)
        canvas.setFillColor(GREY)
        for i, line in enumerate((meta.title, meta.doc_number, meta.lines["act_code_short"])):
            canvas.drawString(paper.left, top - size * (1 + 1.3 * i), line)
        canvas.restoreState()

    return draw


def _canvas_class(meta: Meta, paper: Paper) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each footer can say page x of y."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def page_index(self) -> int:
            """The page being drawn, from 0 (the seal's place is recorded by it)."""
            return len(self._pages)

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            size = paper.body * 0.72
            self.saveState()
            self.setFont(FONT, size)
            self.setFillColor(GREY)
            centre = paper.width / 2
            y = paper.bottom - size * 2.2
            page = meta.lines["page"].replace("{page}", str(number))
            self.drawCentredString(centre, y, page.replace("{pages}", str(total)))
            self.drawCentredString(centre, y - size * 1.4, meta.lines["generated"])
            self.restoreState()

    return NumberedCanvas


def build(sheet: Sheet, meta: Meta, body: list[Flowable]) -> bytes:
    """The PDF of ``body`` under the first-page header; the same input gives the same bytes."""
    register_fonts()
    paper = sheet.paper
    band = 20 * mm if paper.name == "A4" else 14 * mm  # room for the running header
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(paper.width, paper.height),
        leftMargin=paper.left,
        rightMargin=paper.right,
        topMargin=paper.top,
        bottomMargin=paper.bottom,
        title=f"{meta.title} {meta.doc_number}",
        author=meta.agency,
        subject=f"行政行为码 {meta.act_code}",
        creator="fieldcase",
        invariant=1,
        initialFontName=FONT,
        lang="zh-CN",
    )
    height = paper.height - paper.top - paper.bottom

    def frame(top_band: float) -> Frame:
        return Frame(
            paper.left,
            paper.bottom,
            paper.frame_width,
            height - top_band,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    doc.addPageTemplates(
        [
            PageTemplate("first", [frame(0)]),
            PageTemplate("later", [frame(band)], onPage=_running_header(meta, paper)),
        ]
    )
    story: list[Flowable] = [NextPageTemplate("later"), header(sheet, meta), sheet.gap(0.6)]
    doc.build(story + body, canvasmaker=_canvas_class(meta, paper))
    return out.getvalue()
