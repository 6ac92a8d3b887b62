"""Field values: checked and put in one canonical form, so that "the same value" compares
equal whichever device sent it (R2, R4). Pure: references to the server's data (matters,
units, officers, records) are checked through the ``Refs`` the caller passes in."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

# Bidirectional controls (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; ALM) are
# invisible and reorder the text around them: a description ending in U+202E shows the
# author's name beside it reversed, or a note as if someone else wrote it ("Trojan
# Source"). No field has a use for them, so every text refuses them: here, and through
# ``bidi_problem`` in the API's text fields. Text stored before they were refused keeps its
# bytes (the audit chain holds them); the app shows each as U+FFFD (``pwa/src/shown.js``).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")


def bidi_problem(value: str) -> str | None:
    """Why ``value`` is refused for its bidirectional controls, or None."""
    found = _BIDI_CONTROLS.search(value)
    if found is None:
        return None
    return f"must not contain bidirectional control characters (U+{ord(found.group()):04X})"


class Refs(Protocol):
    """What the rules may ask about the server's data; the server answers from its database."""

    def matter_exists(self, code: str) -> bool: ...

    def unit_path(self, code: str) -> str | None: ...

    def officer_in(self, user_id: int, unit_path: str) -> bool: ...

    def record_in(self, record_type: str, record_id: uuid.UUID, unit_path: str) -> bool: ...

    # What the case rules (``sync.cases``) ask besides.

    def certificates(self, user_ids: list[int]) -> list[tuple[int, str, dt.date, dt.date]]:
        """The enforcement certificates (执法证) of those of ``user_ids`` who hold one."""
        ...

    def matter_facts(self, code: str) -> Mapping[str, Any] | None:
        """``summary_allowed`` and ``department`` (its code, or None) of an active matter."""
        ...

    def empowered(
        self, matter_code: str, township_path: str, at: dt.datetime | None = None
    ) -> bool:
        """Whether the township held the power for the matter (赋权清单) at ``at`` (a grant
        made then or before, not yet revoked then); now when ``at`` is None."""
        ...

    def fined_before(
        self,
        party_id: str,
        matter_code: str,
        violation_on: str,
        unit_path: str,
        other_than: uuid.UUID,
    ) -> str | None:
        """Art. 29: the code of a case of the unit at ``unit_path``, other than
        ``other_than``, that already fined this party (id number or 统一社会信用代码, upper
        case) for this matter and this day's act, or None."""
        ...

    def legally_qualified(self, user_id: int) -> bool:
        """Whether the account records a 法律职业资格 (art. 58: a legal reviewer's)."""
        ...

    def investigators(self, case_id: uuid.UUID) -> set[int]:
        """The officers named on the case's inspection records (art. 58: none of them
        reviews it)."""
        ...

    def extension_rule(self) -> Mapping[str, Any]:
        """Art. 60: the rule that gives the unit more than 90 days (``basis``), the most
        days one extension by it may add (``max_days``) and how many it allows
        (``times``)."""
        ...

    def statement_days(self) -> int:
        """Arts. 44–45: the working days the prior notice gives the party to state and
        defend (陈述、申辩), from the day it is received; the unit's setting."""
        ...

    def summary_filing_days(self) -> int:
        """Art. 52: the working days the unit's rules give to file (备案) an on-the-spot
        decision with it."""
        ...

    def reported_at(self, clue_id: uuid.UUID) -> dt.datetime | None:
        """When the clue reached the server (its receipt, the server's clock, R9): the day
        the violation was discovered, for arts. 24, 36 and 38."""
        ...

    def calendar(self) -> Any:
        """The working calendar (``sync.legal.WorkCalendar``) in force."""
        ...

    def thresholds(self) -> dict[str, dict[str, int]]:
        """The amounts in force (``sync.legal.thresholds``): 较大数额 for a hearing (art. 63)
        and a major fine for legal review (art. 58), by party kind, in fen."""
        ...

    def visit(self, visit_id: int) -> Mapping[str, Any] | None:
        """An inspection visit (``sync.visits``): its ``officers`` (the drawn pair),
        ``unit_path``, ``status``, ``period`` (first and last day) and ``checklist``
        (``matter_code``, ``department`` per item); None when there is none."""
        ...

    def department_in(self, code: str, unit_path: str) -> bool:
        """Whether a department of this code serves ``unit_path``: its own unit (a county)
        is that unit or above it."""
        ...


class Invalid(Exception):
    """A value that does not fit its field; ``errors`` maps field names to messages."""

    def __init__(self, errors: Mapping[str, Any]):
        super().__init__(dict(errors))
        self.errors = dict(errors)


def iso_time(value: Any) -> str:
    """An ISO 8601 time with an offset, as UTC ISO text. Naive times are refused: a phone's
    local time without its zone cannot be placed."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("not an ISO 8601 time") from None
    else:
        raise ValueError("not an ISO 8601 time")
    if parsed.tzinfo is None:
        raise ValueError("the time needs its UTC offset")
    return parsed.astimezone(dt.UTC).isoformat()


def _number(value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}")
    return float(value)


def _text(value: Any, spec: Mapping[str, Any]) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    value = value.strip()
    if len(value) > spec.get("max_length", 4000):
        raise ValueError(f"at most {spec.get('max_length', 4000)} characters")
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if problem := bidi_problem(value):
        raise ValueError(problem)
    return value


def _location(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise Invalid({"_": ["must be an object"]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, convert in (
        ("lat", lambda v: _number(v, -90, 90)),
        ("lng", lambda v: _number(v, -180, 180)),
        ("accuracy_m", lambda v: _number(v, 0, 100_000)),
        ("fix_time", iso_time),
    ):
        if key not in value:
            errors[key] = ["required"]
            continue
        try:
            out[key] = convert(value[key])
        except ValueError as exc:
            errors[key] = [str(exc)]
    unknown = set(value) - {"lat", "lng", "accuracy_m", "fix_time"}
    for key in unknown:
        errors[str(key)] = ["unknown field"]
    if errors:
        raise Invalid(errors)
    return out


def _dissuasion(value: Any, spec: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise Invalid({"_": ["must be an object"]})
    errors: dict[str, list[str]] = {}
    done = value.get("done")
    if not isinstance(done, bool):
        errors["done"] = ["required: true or false"]
    result, at = value.get("result"), value.get("at")
    unknown = set(value) - {"done", "result", "at"}
    for key in unknown:
        errors[str(key)] = ["unknown field"]
    if isinstance(done, bool) and (problem := dissuasion_result_problem(done, result, spec)):
        errors["result"] = [problem]
    if done:
        try:
            at = iso_time(at)
        except ValueError as exc:
            errors["at"] = [str(exc) if at is not None else "required when dissuasion was done"]
    elif done is False and at is not None:
        errors["at"] = ["must be empty when no dissuasion was done"]
    if errors:
        raise Invalid(errors)
    return {"done": done, "result": result, "at": at if done else None}


def dissuasion_result_problem(done: bool, result: Any, spec: Mapping[str, Any]) -> str | None:
    """What is wrong with a dissuasion's result given whether it was done, or None: done
    needs one of what came of it; not done may say why (nobody present), nothing else. A
    result of the other answer contradicts it: dissuaded on the spot with nobody present."""
    when = spec["results_when"]
    if done:
        if result in when["done"]:
            return None
        if result in when["not_done"]:
            return "contradicts dissuasion done: nobody was dissuaded; say not done, " + result
        return "one of " + ", ".join(when["done"])
    if result is None or result in when["not_done"]:
        return None
    if result in when["done"]:
        return "must be empty when no dissuasion was done"
    return "empty or one of " + ", ".join(when["not_done"])


_HEX = frozenset("0123456789abcdef")


def iso_date(value: Any) -> str:
    """A calendar day as ``YYYY-MM-DD`` (a legal act's day: in China's time, as written)."""
    if not isinstance(value, str):
        raise ValueError("not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError("not a date (YYYY-MM-DD)") from None


def _object(value: Any, spec: Mapping[str, Any], refs: Refs, unit_path: str) -> dict[str, Any]:
    """A nested object: each key a field spec of its own (``properties``)."""
    if not isinstance(value, Mapping):
        raise Invalid({"_": ["must be an object"]})
    return clean_all(spec["properties"], value, refs, unit_path)


def _list(value: Any, spec: Mapping[str, Any], refs: Refs, unit_path: str) -> list[Any]:
    """A list of values of one spec (``items``), at most ``max_items``: e.g. the points of
    a party's statement (陈述、申辩), each with its re-check. Errors name the item's index."""
    if not isinstance(value, list):
        raise ValueError("must be a list")
    if len(value) > spec["max_items"]:
        raise ValueError(f"at most {spec['max_items']} items")
    out: list[Any] = []
    errors: dict[str, Any] = {}
    for i, item in enumerate(value):
        try:
            out.append(clean({**spec["items"], "required": True}, item, refs, unit_path))
        except Invalid as exc:
            errors[str(i)] = exc.errors
        except ValueError as exc:
            errors[str(i)] = [str(exc)]
    if errors:
        raise Invalid(errors)
    return out


def _officers(value: Any, spec: Mapping[str, Any], refs: Refs, unit_path: str) -> list[int]:
    """Officers named on a record, each once, each an officer of this township. How many and
    whether their certificates hold is the case rules' check (art. 42), not a value's."""
    if not isinstance(value, list) or not value:
        raise ValueError("name at least one officer")
    if len(value) > spec.get("max_items", 10):
        raise ValueError(f"at most {spec.get('max_items', 10)} officers")
    out: list[int] = []
    for item in value:
        if (
            isinstance(item, bool)
            or not isinstance(item, int)
            or not refs.officer_in(item, unit_path)
        ):
            raise ValueError(f"no such officer in this township: {item!r}")
        if item in out:
            raise ValueError(f"officer {item} is named twice")
        out.append(item)
    return out


SIGNATURE_PREFIX = "data:image/png;base64,"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _signature(value: Any, spec: Mapping[str, Any]) -> str:
    """A signature drawn on the phone: a PNG as a data URL, whole and not too large."""
    if not isinstance(value, str) or not value.startswith(SIGNATURE_PREFIX):
        raise ValueError(f"a PNG image as a data URL ({SIGNATURE_PREFIX}…)")
    if len(value) > spec["max_length"]:
        raise ValueError(f"at most {spec['max_length']} characters")
    try:
        data = base64.b64decode(value[len(SIGNATURE_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("not valid base64") from None
    if not data.startswith(_PNG_MAGIC):
        raise ValueError("not a PNG image")
    return value


def _file(value: Any, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A file declared by content: its SHA-256 (computed on the device at capture), its
    size and its type. The bytes come separately and are checked against all three."""
    if not isinstance(value, Mapping):
        raise Invalid({"_": ["must be an object"]})
    errors: dict[str, list[str]] = {}
    digest = value.get("sha256")
    if not (isinstance(digest, str) and len(digest) == 64 and set(digest.lower()) <= _HEX):
        errors["sha256"] = ["must be the 64 hex digits of the file's SHA-256"]
    size = value.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= spec["max_size"]:
        errors["size"] = [f"must be a whole number of bytes from 1 to {spec['max_size']}"]
    if value.get("media_type") not in spec["media_types"]:
        errors["media_type"] = ["one of " + ", ".join(spec["media_types"])]
    for key in set(value) - {"sha256", "size", "media_type"}:
        errors[str(key)] = ["unknown field"]
    if errors:
        raise Invalid(errors)
    return {"sha256": digest.lower(), "size": size, "media_type": value["media_type"]}


def clean(spec: Mapping[str, Any], value: Any, refs: Refs, unit_path: str) -> Any:
    """Check one value against its field spec; returns it in canonical form.

    Raises ``ValueError`` (one message) or ``Invalid`` (messages per sub-field).
    ``unit_path`` is the jurisdiction references must fall in.
    """
    if value is None:
        if spec.get("required"):
            raise ValueError("required")
        return None
    kind = spec["type"]
    if kind == "text":
        text = _text(value, spec)
        if not text and spec.get("required"):
            raise ValueError("required: must not be blank")
        return text
    if kind == "choice":
        if value not in spec["choices"]:
            raise ValueError("one of " + ", ".join(spec["choices"]))
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        if not spec.get("min", -(2**31)) <= value <= spec.get("max", 2**31):
            raise ValueError(f"must be between {spec.get('min')} and {spec.get('max')}")
        return value
    if kind == "datetime":
        return iso_time(value)
    if kind == "date":
        return iso_date(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "choices":
        if not isinstance(value, list) or any(v not in spec["choices"] for v in value):
            raise ValueError("a list of: " + ", ".join(spec["choices"]))
        return sorted(set(value))
    if kind == "object":
        return _object(value, spec, refs, unit_path)
    if kind == "list":
        return _list(value, spec, refs, unit_path)
    if kind == "officers":
        return _officers(value, spec, refs, unit_path)
    if kind == "location":
        return _location(value)
    if kind == "dissuasion":
        return _dissuasion(value, spec)
    if kind == "file":
        return _file(value, spec)
    if kind == "signature":
        return _signature(value, spec)
    if kind == "discretion":  # a level's name; which levels exist is the matter's (cases)
        if not (isinstance(value, str) and value.isprintable() and 0 < len(value.strip()) <= 40):
            raise ValueError("a level's name, at most 40 characters")
        return value.strip()
    if kind in ("matter", "unit", "department") and not (
        isinstance(value, str) and value.isprintable() and 0 < len(value) <= 64
    ):
        raise ValueError(f"not a {kind} code")
    if kind == "matter":
        if not refs.matter_exists(value):
            raise ValueError("no such matter in the catalogue")
        return value
    if kind == "department":
        if not refs.department_in(value, unit_path):
            raise ValueError("no such department serving this township")
        return value
    if kind == "unit":
        path = refs.unit_path(value)
        if path is None or not path.startswith(unit_path):
            raise ValueError("no such unit in your jurisdiction")
        return value
    if kind == "officer":
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not refs.officer_in(value, unit_path)
        ):
            raise ValueError("no such officer in this township")
        return value
    if kind == "record":
        try:
            ident = uuid.UUID(str(value))
        except ValueError:
            raise ValueError("not a record id") from None
        if not refs.record_in(spec["record_type"], ident, unit_path):
            raise ValueError("no such record in your jurisdiction")
        return str(ident)
    raise LookupError(f"unknown field type {kind}")


def clean_all(
    specs: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, Any],
    refs: Refs,
    unit_path: str,
    *,
    partial: bool = False,
) -> dict[str, Any]:
    """Check a set of values; with ``partial`` only those given (an edit), else all
    (a create: missing required fields are errors). Raises ``Invalid`` naming every bad field.
    """
    errors: dict[str, Any] = {}
    out: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        raise Invalid({"payload": ["must be an object"]})
    for name in values:
        if name not in specs:
            errors[str(name)] = ["unknown field"]
    for name, spec in specs.items():
        if partial and name not in values:
            continue
        try:
            out[name] = clean(spec, values.get(name), refs, unit_path)
        except Invalid as exc:
            errors[name] = exc.errors
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise Invalid(errors)
    return out
