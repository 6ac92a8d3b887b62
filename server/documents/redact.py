"""The public copy of a document (行政处罚法 第四十八条: decisions with a certain social
impact are made public): what identifies a natural person is taken out, what the public
is meant to see stays.

- every natural person's name keeps its surname only (张**): the party if a person, an
  organisation's legal representative, witnesses, officers, other persons named in the
  text (``data["other_persons"]``), wherever the name appears, free text included;
- ID numbers (身份证号) and phone numbers are removed, as fields and wherever they appear
  in free text; a person's home address is removed too (it identifies them as surely);
- organisations keep their name, address and unified social credit code, which are public
  registration facts; officers keep their certificate numbers, which the public may check;
- a place finer than a village (a house number, a group, a building, a room) is taken out
  of the address and place fields (``ADDRESS_FIELDS``): 大柘村3组12号 reads 大柘村（已隐去）;
- signatures are not drawn.

A pure function of ``data``: the original is not changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from server.documents.text import masked_name

REMOVED = "（已隐去）"
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(
    _EDGE_L
    + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    + _EDGE_R
)
MOBILE = re.compile(_EDGE_L + r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}" + _EDGE_R)
LANDLINE = re.compile(_EDGE_L + r"0\d{2,3}-\d{7,8}" + _EDGE_R)
# Below a village (村、社区): 3组, 12号, 5幢, 2单元, 301室, 8弄 and their runs.
BELOW_VILLAGE = re.compile(
    r"(?:[0-9０-９]+|[一二三四五六七八九十百]+)(?:组|号|幢|栋|单元|室|弄|排|楼)"
    r"(?:[-—之]?(?:[0-9０-９]+|[一二三四五六七八九十百]+)(?:组|号|幢|栋|单元|室|弄|排|楼)?)*"
)
# Fields that name a place: only there is a house number a house number (第588号 in a legal
# basis is not).
ADDRESS_FIELDS = frozenset({"address", "place", "storage_place", "preservation_place"})
# Fields that are codes, hashes or bytes: never rewritten.
VERBATIM = frozenset({"sha256", "act_code", "doc_number", "certificate_no", "kind"})


def persons(data: Mapping[str, Any]) -> list[str]:
    """Every natural person's full name that ``data`` mentions by field."""
    names: list[Any] = []
    party = data.get("party") or {}
    if party.get("kind") == "person":
        names.append(party.get("name"))
    names.append(party.get("legal_representative"))
    names += [o.get("name") for o in data.get("officers") or [] if isinstance(o, Mapping)]
    names.append((data.get("party_refusal") or {}).get("witness"))
    names.append(data.get("recorder"))
    names.append((data.get("contact") or {}).get("person"))
    names.append((data.get("head") or {}).get("name"))  # the agency's head who signs
    names += list(data.get("other_persons") or [])
    found = {n.strip() for n in names if isinstance(n, str) and n.strip()}
    return sorted(found, key=lambda n: (-len(n), n))  # longest first: 欧阳明 before 欧阳


def scrub(text: str, names: list[str]) -> str:
    """Free text with names masked and ID and phone numbers removed."""
    text = ID_NUMBER.sub(REMOVED, text)
    text = MOBILE.sub(REMOVED, text)
    text = LANDLINE.sub(REMOVED, text)
    for name in names:
        text = text.replace(name, masked_name(name))
    return text


def _walk(value: Any, names: list[str], key: str = "") -> Any:
    if key in VERBATIM:
        return value
    if isinstance(value, str):
        text = scrub(value, names)
        return BELOW_VILLAGE.sub(REMOVED, text) if key in ADDRESS_FIELDS else text
    if isinstance(value, Mapping):
        return {k: _walk(v, names, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, names, key) for v in value]
    return value


def public_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as it may be shown to the public."""
    names = persons(data)
    public: dict[str, Any] = _walk(copy.deepcopy(dict(data)), names)
    party = public.get("party")
    original = data.get("party") or {}
    if isinstance(party, dict) and original.get("kind") != "person" and original.get("address"):
        party["address"] = scrub(original["address"], names)  # a registration fact: kept
    if isinstance(party, dict):
        party.pop("phone", None)
        if party.get("kind") == "person":
            party["id_number"] = REMOVED if party.get("id_number") else None
            party["address"] = REMOVED if party.get("address") else None
    public.pop("party_signature", None)
    for officer in public.get("officers") or []:
        if isinstance(officer, dict):
            officer.pop("signature", None)
    refusal = public.get("party_refusal")
    if isinstance(refusal, dict):
        refusal.pop("witness_signature", None)
    contact = public.get("contact")
    if isinstance(contact, dict):
        contact.pop("phone", None)
    return public
