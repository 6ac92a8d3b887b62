"""Enforcement documents (执法文书) as data: ``compose(kind, data)`` turns a document's
declarations (``declarations.SPEC``) and its plain ``data`` into a **document model**, plain
JSON with every text final, which a renderer only lays out: the server's PDF
(``server.documents``) and the phone's HTML (``pwa/src/documents.js``, which has its own copy
of this small interpreter, held to this one by the vectors of ``tests/vectors``). The wording
lives in the declarations only.

The model::

    {"kind", "title", "agency", "doc_number", "act_code", "generated", "sealed", "redacted",
     "lines": {act_code, act_code_short, generated, seal, page[, public, public_signature]},
     "blocks": [...]}

Blocks, in reading order: ``{"type": "para", "style", "text"}`` (style ``body``, ``indent``,
``heading``, ``note``; a text may hold line breaks), ``{"type": "gap", "lines"}``,
``{"type": "form", "rows": [[label, value], ...]}``, ``{"type": "table", "header", "rows",
"widths" (fractions of the line), "mono" (columns of hashes)}``, ``{"type": "signatures",
"signers": [{"role", "name", "note"?, "image"?}]}`` (``image``: a ``data:image/png;base64,``
URL) and ``{"type": "close", "agency", "date", "seal"}`` (the agency, its seal's place, the
date; kept on one page with the block before it).

The declarations' language, a closed interpreter over data:

- a *text* is a template string, a list of texts (concatenated), ``{"when", "text", "else"?}``
  or ``{"list": name-or-declaration, "join"}``; a template interpolates ``{path|formatter…}``:
  a path into ``data`` (``party.name``) or a variable (``$you``: bound by ``each``/``as``, a
  part's ``with``, or ``SPEC["vars"]``); ``{a,b|span}`` gives a formatter two values; the
  formatters are ``formats.FORMATTERS`` and ``or:X`` (X when the value is empty). An absent
  value prints as nothing and no formatter but ``or`` is applied to it;
- a *condition* (``when``) is a path that must hold a value (Python's truth: not None,
  False, 0, "", [] or {}), ``!path`` that must not, ``path=text`` that must equal it, or a
  list of those that must all hold;
- a *block* is ``{"para": text, "style"}``, ``{"paras": text}`` (a paragraph a line),
  ``{"heading": text, "numbered"?}`` (一、二、… counted through the document), ``{"gap"}``,
  ``{"form": rows}``, ``{"table": {header, widths, mono, rows}}``, ``{"list": name, "style"}``
  (a paragraph an item), ``{"signatures": signers}``, ``{"close": text}``, ``{"part": name,
  "with"?}`` (``SPEC["parts"]``, spliced) or ``{"when", "then", "else"}``; any block may be
  guarded by ``when``. Rows, cells, list items and signers may repeat with ``each``/``as``
  (``$i`` counts from 1; a ``when`` beside ``each`` is read for each item). A paragraph whose
  text is empty is left out.

``SPEC["phrases"]`` holds the texts the records make for a document's data (how a penalty is
carried out, the party's statements, the evidence listed…): ``phrase(name, values)``, and
``phrase_items`` for a list's items.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from sync.documents.declarations import SPEC
from sync.documents.formats import FORMATTERS, stamp_text, text

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
PNG_URL = "data:image/png;base64,"


def compose(
    kind: str, data: Mapping[str, Any], spec: Mapping[str, Any] = SPEC, *, redacted: bool = False
) -> dict[str, Any]:
    """The model of document ``kind`` made from ``data`` (checked beforehand: see
    ``server.documents.kinds.check``); ``redacted`` marks the public copy, whose data the
    caller has already redacted."""
    declared = spec["kinds"][kind]
    words = spec["words"]
    c = _Composer(spec, data)
    code = text(data["act_code"]).strip()
    number = text(data["doc_number"]).strip()
    lines = {
        "act_code": words["act_code"].replace("{code}", code),
        "act_code_short": words["act_code_short"].replace("{code}", code),
        "generated": words["generated"].replace("{time}", stamp_text(data["generated_at"])),
        "seal": words["seal"],
        "page": words["page"].replace("{number}", number),
    }
    if redacted:
        lines["public"] = words["public"]
        lines["public_signature"] = words["public_signature"]
    return {
        "kind": kind,
        "title": declared["title"],
        "agency": text(data["agency"]).strip(),
        "doc_number": number,
        "act_code": code,
        "generated": stamp_text(data["generated_at"]),
        "sealed": declared["sealed"],
        "redacted": redacted,
        "lines": lines,
        "blocks": c.blocks(declared["blocks"], {}),
    }


def phrase(name: str, values: Mapping[str, Any], spec: Mapping[str, Any] = SPEC) -> str:
    """A text the records make for a document's data (``SPEC["phrases"]``: the sentences of
    how a penalty is carried out, of the party's statements…), from plain ``values``."""
    return _Composer(spec, values).text(spec["phrases"][name], {})


def phrase_items(name: str, values: Mapping[str, Any], spec: Mapping[str, Any] = SPEC) -> list:
    """The items of a list the records make (``court_attachments``), each its own text."""
    return _Composer(spec, values).items(spec["phrases"][name], {})


def you(data: Mapping[str, Any]) -> str:
    """How a document addresses the party (你, 你单位), as the declarations word it."""
    return _Composer(SPEC, data).text(SPEC["vars"]["you"], {})


def truthy(value: Any) -> bool:
    """Python's truth, which ``documents.js`` copies (an empty list or mapping is false)."""
    return bool(value)


def png_url(value: Any) -> str | None:
    """A signature as the model carries it: PNG bytes (the server's) as a data URL; a data
    URL or bare base64 (the phone's JSON) as a data URL."""
    if not value:
        return None
    if isinstance(value, bytes | bytearray):
        return PNG_URL + base64.b64encode(bytes(value)).decode("ascii")
    value = str(value)
    return value if value.startswith("data:") else PNG_URL + value


class _Composer:
    def __init__(self, spec: Mapping[str, Any], data: Mapping[str, Any]):
        self.spec, self.data, self.headings = spec, data, 0

    # -- values ----------------------------------------------------------------------------
    def value(self, path: str, scope: Mapping[str, Any]) -> Any:
        first, *rest = path.strip().split(".")
        if first.startswith("$"):
            name = first[1:]
            if name in scope:
                node = scope[name]
            elif name in self.spec["vars"]:
                node = self.text(self.spec["vars"][name], scope)
            else:
                node = None
        else:
            node = self.data.get(first) if isinstance(self.data, Mapping) else None
        for key in rest:
            node = node.get(key) if isinstance(node, Mapping) else None
        return node

    def fill(self, template: str, scope: Mapping[str, Any]) -> str:
        def one(match: re.Match) -> str:
            paths, *formatters = match.group(1).split("|")
            values = [self.value(p, scope) for p in paths.split(",")]
            value: Any = values[0] if len(values) == 1 else values
            for name in formatters:
                if name.startswith("or:"):
                    literal = name[3:]
                    if not truthy(value):
                        value = int(literal) if literal.isdigit() else literal
                elif value is not None and not (isinstance(value, list) and None in value):
                    value = FORMATTERS[name](value)
            if isinstance(value, list):
                return ""
            return text(value)

        return PLACEHOLDER.sub(one, template)

    def text(self, decl: Any, scope: Mapping[str, Any]) -> str:
        if isinstance(decl, str):
            return self.fill(decl, scope)
        if isinstance(decl, list):
            return "".join(self.text(d, scope) for d in decl)
        if "list" in decl:
            return decl.get("join", "").join(self.items(decl["list"], scope))
        if self.holds(decl["when"], scope):
            return self.text(decl["text"], scope)
        return self.text(decl.get("else", ""), scope)

    def holds(self, cond: Any, scope: Mapping[str, Any]) -> bool:
        if isinstance(cond, list):
            return all(self.holds(c, scope) for c in cond)
        if cond.startswith("!"):
            return not self.holds(cond[1:], scope)
        if "=" in cond:
            path, wanted = cond.split("=", 1)
            value = self.value(path, scope)
            return value is not None and text(value) == wanted
        return truthy(self.value(cond, scope))

    # -- repetition ------------------------------------------------------------------------
    def each(self, decls: list, scope: Mapping[str, Any]):
        """Each declaration with the scope it is read in: guarded by ``when``, repeated by
        ``each``/``as``, a part spliced in with its ``with``."""
        for decl in decls:
            if "part" in decl:
                part = self.spec["parts"][decl["part"]]
                given = {k: self.text(v, scope) for k, v in decl.get("with", {}).items()}
                inner = {**scope, **part.get("defaults", {}), **given}
                yield from self.each(part["body"], inner)
            elif "each" in decl:
                items = self.value(decl["each"], scope)
                for i, item in enumerate(items if isinstance(items, list) else [], 1):
                    inner = {**scope, decl["as"]: item, "i": i}
                    if "when" not in decl or self.holds(decl["when"], inner):
                        yield decl, inner
            elif "when" in decl and "then" not in decl and not self.holds(decl["when"], scope):
                continue
            else:
                yield decl, scope

    def items(self, name: Any, scope: Mapping[str, Any]) -> list[str]:
        decl = self.spec["lists"][name] if isinstance(name, str) else name
        found = [self.text(d["text"], s) for d, s in self.each(decl["items"], scope)]
        if not found:
            return []
        if len(found) == 1 and "one" in decl:
            forms = [decl["one"]]
        else:
            each, last = decl.get("each", "{$x}"), decl.get("last", decl.get("each", "{$x}"))
            forms = [each] * (len(found) - 1) + [last]
        return [
            self.fill(form, {**scope, "x": x, "k": k})
            for k, (form, x) in enumerate(zip(forms, found, strict=True), 1)
        ]

    # -- blocks ----------------------------------------------------------------------------
    def blocks(self, decls: list, scope: Mapping[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for decl, inner in self.each(decls, scope):
            if "then" in decl:
                branch = decl["then"] if self.holds(decl["when"], inner) else decl.get("else", [])
                out += self.blocks(branch, inner)
            elif "para" in decl:
                self.para(out, self.text(decl["para"], inner), decl.get("style", "body"))
            elif "paras" in decl:
                for line in self.text(decl["paras"], inner).splitlines():
                    self.para(out, line, decl.get("style", "indent"))
            elif "heading" in decl:
                heading = self.text(decl["heading"], inner)
                if decl.get("numbered"):
                    self.headings += 1
                    heading = self.spec["words"]["numerals"][self.headings - 1] + "、" + heading
                self.para(out, heading, "heading")
            elif "list" in decl:
                for line in self.items(decl["list"], inner):
                    self.para(out, line, decl.get("style", "indent"))
            elif "gap" in decl:
                out.append({"type": "gap", "lines": decl["gap"]})
            elif "form" in decl:
                rows = [
                    [self.text(d["label"], s).strip(), self.text(d["value"], s).strip()]
                    for d, s in self.each(decl["form"], inner)
                ]
                out.append({"type": "form", "rows": rows})
            elif "table" in decl:
                out.append(self.table(decl["table"], inner))
            elif "signatures" in decl:
                out.append({"type": "signatures", "signers": self.signers(decl, inner)})
            elif "close" in decl:
                out.append(
                    {
                        "type": "close",
                        "agency": text(self.data["agency"]).strip(),
                        "date": self.text(decl["close"], inner).strip(),
                        "seal": self.spec["words"]["seal"],
                    }
                )
            else:
                raise ValueError(f"unknown block {sorted(decl)}")
        return out

    @staticmethod
    def para(out: list, value: str, style: str) -> None:
        value = value.strip()
        if value:
            out.append({"type": "para", "style": style, "text": value})

    def table(self, decl: Mapping[str, Any], scope: Mapping[str, Any]) -> dict[str, Any]:
        rows = [
            [self.text(c, s).strip() for c in d["cells"]] for d, s in self.each(decl["rows"], scope)
        ]
        return {
            "type": "table",
            "header": list(decl["header"]),
            "rows": rows,
            "widths": list(decl["widths"]),
            "mono": list(decl.get("mono", [])),
        }

    def signers(self, decl: Mapping[str, Any], scope: Mapping[str, Any]) -> list[dict[str, Any]]:
        out = []
        for d, s in self.each(decl["signatures"], scope):
            signer = {
                "role": self.text(d["role"], s).strip(),
                "name": self.text(d["name"], s).strip(),
            }
            if "note" in d:
                signer["note"] = self.text(d["note"], s).strip()
            image = png_url(self.value(d["image"], s)) if "image" in d else None
            if image:
                signer["image"] = image
            if "digital" in d and truthy(self.value(d["digital"], s)):
                signer["digital"] = True
            out.append(signer)
        return out


__all__ = ["SPEC", "compose", "phrase", "phrase_items", "png_url", "you"]
