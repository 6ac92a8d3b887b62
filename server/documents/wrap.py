"""Line breaking for Chinese text, as Chinese typesetting expects it.

ReportLab's ``wordWrap="CJK"`` breaks between any two characters and lets at most one
closing mark hang; it would still start a line with 》 or with the 。 of "整）。", and cut
a number or a code in two. ``CJKParagraph`` breaks the same plain text with the usual
rules (行首行尾禁则): closing punctuation never starts a line and opening brackets never
end one (the character before moves down with it instead; a mark after a number that
fills a line alone hangs in the margin); digits and Latin words
(13857812345, ZJ331122-XZXW-2026-000731) stay whole unless one alone is wider than the
line (a SHA-256 in a narrow column), which then breaks anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

CANNOT_START = set("，。、；：？！）》」』】〕〉”’…—·%‰℃,.;:?!)]}")
CANNOT_END = set("（《「『【〔〈“‘([{¥$")
UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_/:+@#]*|\s+|.", re.S)
FUZZ = 1e-6


@lru_cache(maxsize=8192)
def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _units(text: str, font: str, size: float, narrowest: float) -> list[tuple[str, float]]:
    units = []
    for match in UNITS.finditer(text):
        unit = match.group()
        width = _width(unit, font, size)
        if width > narrowest and len(unit) > 1:  # too wide for any line: break anywhere
            units += [(ch, _width(ch, font, size)) for ch in unit]
        else:
            units.append((unit, width))
    return units


def _carry(line: list[tuple[str, float]], following: str) -> int | None:
    """How many units at the end of ``line`` move down so that the break before
    ``following`` is legal (the line keeps at least one); None if no count makes it so."""
    for k in range(len(line)):
        first = line[len(line) - k][0] if k else following
        if first[0] not in CANNOT_START and line[len(line) - k - 1][0][-1] not in CANNOT_END:
            return k
    return None


def wrap(text: str, font: str, size: float, widths: list[float]) -> list[tuple[float, str]]:
    """Lines of ``text`` as (space left over, line), the n-th at most ``widths[n]`` wide
    (the last width serves every further line)."""
    lines: list[tuple[float, str]] = []
    line: list[tuple[str, float]] = []
    used = 0.0

    def emit(units: list[tuple[str, float]]) -> None:
        content = "".join(u for u, _ in units).rstrip()
        limit = widths[min(len(lines), len(widths) - 1)]
        lines.append((limit - _width(content, font, size), content))

    for unit, width in _units(text, font, size, min(widths)):
        limit = widths[min(len(lines), len(widths) - 1)]
        if line and not unit.isspace() and used + width > limit + FUZZ:
            k = _carry(line, unit)
            if k is None and unit[0] in CANNOT_START:
                line.append((unit, width))  # a mark after a whole-line number hangs: as print does
                used += width
                continue
            carry = line[len(line) - k :] if k else []
            emit(line[: len(line) - len(carry)])
            line, used = carry, sum(w for _, w in carry)
        if unit.isspace() and not line:
            continue  # no line starts with a space
        line.append((unit, width))
        used += width
    if line or not lines:
        emit(line)
    return lines


class CJKParagraph(Paragraph):
    """A paragraph of plain text (one font, no markup) broken by ``wrap``; anything else
    is left to ReportLab."""

    def breakLinesCJK(self, maxWidths):
        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]
        frags = self.frags
        simple = len(frags) == 1 and not hasattr(frags[0], "cbDefn") and not self.bulletText
        if not simple or (hasattr(self, "blPara") and getattr(self, "_splitpara", 0)):
            return super().breakLinesCJK(maxWidths)
        frag = frags[0]
        text = frag.text if hasattr(frag, "text") else "".join(getattr(frag, "words", []))
        lines = wrap(text, frag.fontName, frag.fontSize, widths)
        return frag.clone(
            kind=0,
            lines=[(space, [line]) for space, line in lines],
            ascent=frag.fontSize,
            descent=-0.2 * frag.fontSize,
        )
