"""What a document body is made of: the embedded CJK font, the paper, the styles, and the
blocks (paragraphs that wrap Chinese properly, form grids, ruled tables, signature boxes,
the closing with the seal's place, the act code's QR code drawn by ReportLab's own widget).

The font is embedded (a subset) so a printed or phone-viewed copy shows the same text with
no fonts installed, and nothing else (no Helvetica) is named in the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from server.documents.wrap import CJKParagraph

# TrueType CJK fonts (path, face, monospaced face) in order of preference; the project
# installs the first (Debian's fonts-wqy-microhei). ReportLab embeds TrueType outlines only,
# so the CFF-based Noto CJK collections the photo watermark may use cannot serve here.
CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, 1),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, 1),
)
FONT, MONO = "FieldcaseCJK", "FieldcaseCJKMono"
INK, GREY, RULE = colors.black, colors.Color(0.35, 0.35, 0.35), colors.Color(0.55, 0.55, 0.55)


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the CJK faces with ReportLab once; returns the font file used."""
    for path, face, mono in CJK_FONTS:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=face))
            pdfmetrics.registerFont(TTFont(MONO, path, subfontIndex=mono))
            # One face serves <b> and <i> too: no synthetic styles, no unembedded fallback.
            registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
            return path
    raise RuntimeError(
        "no CJK TrueType font for the documents: install Debian's fonts-wqy-microhei "
        "(make install does)"
    )


@dataclass(frozen=True)
class Paper:
    """A4 for the office and portable A4 printers (margins inside their unprintable edge),
    or an 80 mm roll (72 mm printable) for pocket thermal printers: same content, narrower."""

    name: str
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    body: float  # body text size, pt
    qr: float  # QR side on the first page
    signature_columns: int
    centred_header: bool

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right


PAPERS = {
    "A4": Paper(
        "A4",
        width=210 * mm,
        height=297 * mm,
        left=25 * mm,
        right=20 * mm,
        top=18 * mm,
        bottom=20 * mm,
        body=11,
        qr=24 * mm,
        signature_columns=2,
        centred_header=True,
    ),
    "80mm": Paper(
        "80mm",
        width=80 * mm,
        height=297 * mm,  # a page of roll; the printer cuts where the page ends
        left=4 * mm,
        right=4 * mm,
        top=5 * mm,
        bottom=12 * mm,
        body=8.5,
        qr=18 * mm,
        signature_columns=1,
        centred_header=False,
    ),
}


def styles(paper: Paper) -> dict[str, ParagraphStyle]:
    size = paper.body
    base = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.6)
    base.wordWrap = "CJK"  # break long Chinese lines anywhere a character may break
    return {
        "body": base,
        "indent": ParagraphStyle("indent", base, firstLineIndent=2 * size),
        "agency": ParagraphStyle(
            "agency", base, fontSize=size * 1.45, leading=size * 2, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", base, fontSize=size * 1.9, leading=size * 2.5, alignment=TA_CENTER
        ),
        "number": ParagraphStyle("number", base, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading", base, fontSize=size * 1.05, spaceBefore=size * 0.6, spaceAfter=size * 0.2
        ),
        "cell": ParagraphStyle("cell", base, fontSize=size * 0.9, leading=size * 1.35),
        "label": ParagraphStyle(
            "label", base, fontSize=size * 0.9, leading=size * 1.35, textColor=GREY
        ),
        "mono": ParagraphStyle(
            "mono", base, fontName=MONO, fontSize=size * 0.68, leading=size * 0.95
        ),
        "small": ParagraphStyle(
            "small", base, fontSize=size * 0.72, leading=size * 1.0, textColor=GREY
        ),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "code": ParagraphStyle(
            "code", base, fontSize=size * 0.8, leading=size * 1.2, alignment=TA_CENTER
        ),
        "note": ParagraphStyle(
            "note", base, fontSize=size * 0.8, leading=size * 1.2, textColor=GREY
        ),
    }


def table_style(*commands: tuple) -> TableStyle:
    """A table style in the CJK font: ReportLab's default (Helvetica, never embedded) would
    otherwise be named in the PDF even when every cell holds a paragraph."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def qr_code(value: str, side: float) -> Drawing:
    """The act code as a QR code (error correction M, with its quiet zone), ``side`` wide."""
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    scale = side / max(x1 - x0, y1 - y0)
    drawing = Drawing(side, side, transform=[scale, 0, 0, scale, -x0 * scale, -y0 * scale])
    drawing.initialFontName = FONT  # or ReportLab's renderer brings in Helvetica, unembedded
    drawing.add(widget)
    return drawing


@dataclass(frozen=True)
class Signer:
    """One signature box: who signs (role and name), the drawn signature if there is one,
    or a note (当事人拒绝签名…) in its place."""

    role: str
    name: str
    signature: bytes | None = None
    note: str | None = None
    # The signer signs this copy with his own key (``server.documents.seal``): his box
    # keeps a place for the signature's appearance instead of a drawn one.
    signs_digitally: bool = False


class Sheet:
    """What a document body is written with: styled paragraphs and tables on one paper."""

    def __init__(self, paper: Paper, redacted: bool, sealed: bool, lines: dict[str, str]):
        self.paper, self.redacted, self.sealed = paper, redacted, sealed
        self.lines = lines  # the model's words beside the body: the seal's, the public copy's
        self.style = styles(paper)
        self.width = paper.frame_width
        self.seal_places: list[tuple[int, tuple[float, float, float, float]]] = []
        # Where each digital signer's appearance goes, in the order the signers are drawn.
        self.signature_places: list[tuple[int, tuple[float, float, float, float]]] = []

    # -- text ------------------------------------------------------------------------------
    def para(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of plain text (escaped: data never becomes markup); newlines kept."""
        text = str(text).strip()
        if "\n" in text:
            return Paragraph(escape(text).replace("\n", "<br/>"), self.style[style])
        return CJKParagraph(escape(text), self.style[style])

    def paras(self, text: str, style: str = "indent") -> list[Paragraph]:
        """Each line of a long text as its own indented paragraph."""
        return [self.para(line.strip(), style) for line in str(text).splitlines() if line.strip()]

    def heading(self, text: str) -> Paragraph:
        return self.para(text, "heading")

    def gap(self, lines: float = 0.5) -> Spacer:
        return Spacer(1, self.paper.body * 1.6 * lines)

    # -- grids -----------------------------------------------------------------------------
    def form(self, rows: Sequence[tuple[str, str]]) -> Table:
        """The form part of a document: label | value rows in a ruled grid."""
        label_w = self.width * (0.3 if self.paper.name == "80mm" else 0.25)
        data = [[self.para(k, "label"), self.para(v, "cell")] for k, v in rows]
        table = Table(data, colWidths=[label_w, self.width - label_w])
        table.setStyle(self._grid_style())
        return table

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        mono: Sequence[int] = (),
    ) -> Table:
        """A ruled table; ``widths`` are fractions of the line; ``mono`` columns (hashes)
        use the monospaced face."""
        cells = [[self.para(h, "label") for h in header]]
        for row in rows:
            cells.append([self.para(v, "mono" if i in mono else "cell") for i, v in enumerate(row)])
        table = Table(cells, colWidths=[self.width * w for w in widths], repeatRows=1)
        table.setStyle(self._grid_style(header=True))
        return table

    def _grid_style(self, header: bool = False) -> TableStyle:
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)))
        return table_style(*commands)

    # -- signatures ------------------------------------------------------------------------
    def signatures(self, signers: Sequence[Signer]) -> KeepTogether:
        """Boxes with the drawn signatures scaled in; in a public copy, none is drawn."""
        columns = self.paper.signature_columns
        box_w = self.width / columns
        box_h = 16 * mm if self.paper.name == "A4" else 12 * mm
        cells = [self._signature_cell(s, box_w - 8, box_h) for s in signers]
        while len(cells) % columns:
            cells.append("")
        rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
        table = Table(rows, colWidths=[box_w] * columns)
        table.setStyle(
            table_style(
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            )
        )
        return KeepTogether([table])

    def _signature_cell(self, signer: Signer, width: float, height: float) -> list[Flowable]:
        cell: list[Flowable] = [self.para(f"{signer.role}：{signer.name}", "cell")]
        if signer.note:
            cell.append(self.para(signer.note, "note"))
        if self.redacted:
            cell.append(self.para(self.lines["public_signature"], "note"))
        elif signer.signs_digitally:
            cell.append(BoxPlace(self.signature_places, width - 8, height))
        elif signer.signature:
            cell.append(_scaled_image(signer.signature, width, height))
        elif not signer.note:
            cell.append(Spacer(width, height))  # signed by hand on the printed copy
        return cell

    def close(self, body: list[Flowable], agency: str, date: str, seal: str) -> None:
        """End ``body`` with the agency's name, its seal's place and the date, bottom right,
        kept on one page with the text before it: a page with a seal and no text on it
        (此页无正文) could be stapled to any other document. The place is left blank for
        the electronic seal (``server.documents.seal``) when the document is sealed, and
        reads 「（印章）」 for a seal stamped by hand when it is not."""
        lines = [
            self.para(agency, "right"),
            SealPlace(self, seal),
            self.para(date, "right"),
        ]
        closing = Table([[lines]], colWidths=[self.width])
        closing.setStyle(table_style(("TOPPADDING", (0, 0), (-1, -1), self.paper.body)))
        last = body.pop()
        body.append(KeepTogether([last, closing]))


class SealPlace(Flowable):
    """The seal's square at the right of the closing (42 mm across on A4, 30 mm on a roll).
    Drawing it records its page and box on the sheet, in the page's own coordinates."""

    def __init__(self, sheet: Sheet, text: str):
        super().__init__()
        self.sheet, self.text = sheet, text
        self.side = (42 if sheet.paper.name == "A4" else 30) * mm

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.side

    def draw(self):
        left = self.width - self.side
        x, y = self.canv.absolutePosition(left, 0)
        page = self.canv.page_index()
        self.sheet.seal_places.append((page, (x, y, x + self.side, y + self.side)))
        if not self.sheet.sealed:
            size = self.sheet.paper.body
            self.canv.setFont(FONT, size)
            self.canv.drawCentredString(left + self.side / 2, self.side / 2 - size / 3, self.text)


class BoxPlace(Flowable):
    """A blank box ``width`` × ``height`` whose page and box, in the page's own
    coordinates, are appended to ``places`` when it is drawn: where a digital signature's
    appearance goes."""

    def __init__(self, places: list, width: float, height: float):
        super().__init__()
        self.places, self.width, self.height = places, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        page = self.canv.page_index()
        self.places.append((page, (x, y, x + self.width, y + self.height)))


def _scaled_image(png: bytes, width: float, height: float) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    scale = min(width / w, height / h)
    image = Image(io.BytesIO(png), width=w * scale, height=h * scale, mask="auto")
    image.hAlign = "LEFT"
    return image
