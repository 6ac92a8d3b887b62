"""Where a clue happened (现场位置): coordinates, a written address, or both.

A grid worker in a village with no fix and no base map must still be able to report: a
report may carry coordinates (from the phone's GPS, or picked by hand on the map) or only a
written address, flagged so (``location_source``: ``gps`` / ``map`` / ``address``) for the
command room to check. Without either the report is refused, naming both fields. Pure:
the workflow's ``place`` entry says which fields and how short an address may be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.values import Invalid

GPS, MAP, ADDRESS = "gps", "map", "address"
SOURCES = [GPS, MAP, ADDRESS]


def settle_report(spec: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """A new report's cleaned fields with its ``location_source`` decided: ``address`` where
    it has no coordinates, else what the device said (``gps`` when it said nothing).
    Raises ``Invalid`` for a report with neither coordinates nor a long enough address."""
    out = dict(fields)
    _require_place(spec, out)
    said = out.get("location_source")
    if out.get("location") is None:
        out["location_source"] = ADDRESS
    elif said == ADDRESS:
        raise Invalid({"location_source": ["'address' is for a report without coordinates"]})
    else:
        out["location_source"] = said or GPS
    return out


def settle_edit(
    spec: Mapping[str, Any],
    current: Mapping[str, Any],
    apply: Mapping[str, Any],
    by_reporter: bool,
) -> dict[str, Any]:
    """The changes an edit makes, with ``location_source`` following the coordinates: taken
    away, the report is address-only; given to an address-only report (the command room
    picking the place on the map at the desk, or the reporter), it is ``map``. Only the
    reporter moves coordinates he gave; the desk sets them where there were none."""
    out = dict(apply)
    if "location" not in out and "address" not in out:
        return out
    merged = {**current, **out}
    _require_place(spec, merged)
    was = current.get("location_source") or GPS
    if "location" in out:
        if not by_reporter and was != ADDRESS:
            raise Invalid({"location": ["only an address-only report's place is set at the desk"]})
        now = ADDRESS if out["location"] is None else (MAP if was == ADDRESS else was)
        if now != was:
            out["location_source"] = now
    return out


def problems(spec: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """What a report lacking a place is told, by field ({} when it has one). ``address`` is
    counted trimmed."""
    shortest = spec["address_min_length"]
    if fields.get("location") is None and len((fields.get("address") or "").strip()) < shortest:
        need = f"coordinates, or an address of at least {shortest} characters"
        return {"location": [f"required: {need}"], "address": [f"required: {need}"]}
    return {}


def _require_place(spec: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
    if found := problems(spec, fields):
        raise Invalid(found)
