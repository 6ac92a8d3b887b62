"""The 现场检查笔录's data from the inspection and its photos (``sync.documents.data``):
the one builder the server's sealed record and the phone's paper share (issue 22)."""

from __future__ import annotations

from sync.documents.data import (
    china_iso,
    china_minute,
    document_data,
    inspection_evidence,
    inspection_record,
)

FIELDS = {
    "officers": [7, 8],
    "started_at": "2026-03-14T01:30:00+00:00",  # 09:30 in China
    "ended_at": "2026-03-14T02:15:00Z",  # 10:15 in China
    "place": "岩背村下宅路18号门前",
    "findings": "村道上堆放建筑材料。",
    "certificates_shown": True,
}
OFFICERS = [{"name": "吕建平", "certificate_no": "1"}, {"name": "应晓峰", "certificate_no": "2"}]
SIGNED = {"party_signature": "data:image/png;base64,AA==", "party_refusal": None}


def photo(at: str, sha: str | None, author: int = 7, note: str | None = None) -> dict:
    return {"captured_at": at, "sha256": sha, "author_id": author, "note": note}


def ctx(*photos: dict, signature: str | None = None) -> dict:
    return {
        "party": {"kind": "person", "name": "樊志远", "phone": ""},
        "officers": OFFICERS,
        "photos": list(photos),
        "signature_sha256": signature,
        "signing": SIGNED,
    }


def test_times_are_china_times_whatever_offset_they_came_with():
    assert china_minute("2026-03-13T16:05:00Z") == "2026-03-14 00:05"
    assert china_iso("2026-03-14T01:25:00.250Z") == "2026-03-14T09:25:00.250000+08:00"
    assert china_iso("2026-03-14T09:25:00+08:00") == "2026-03-14T09:25:00+08:00"


def test_the_record_states_the_inspection_and_drops_the_partys_empty_fields():
    data = document_data("inspection_record", FIELDS, ctx())
    assert (data["started_at"], data["ended_at"]) == ("2026-03-14 09:30", "2026-03-14 10:15")
    assert data["party"] == {"kind": "person", "name": "樊志远"}
    assert data["officers"] == OFFICERS and data["evidence"] == []
    assert data["party_signature"] == SIGNED["party_signature"]


def test_evidence_lists_the_officers_photos_during_it_in_capture_order():
    listed = inspection_evidence(
        FIELDS,
        ctx(
            photo("2026-03-14T10:20:00+08:00", None, 8),  # in the slack, not received
            photo("2026-03-14T09:21:00+08:00", "a" * 64, note="全景"),  # slack before
            photo("2026-03-14T09:19:00+08:00", "b" * 64),  # too early
            photo("2026-03-14T10:26:00+08:00", "c" * 64),  # too late
            photo("2026-03-14T09:40:00+08:00", "d" * 64, author=9),  # not an officer's
        ),
    )
    assert [x["sha256"] for x in listed] == ["a" * 64, None]
    assert listed[0]["label"] == "全景"
    assert listed[1]["label"] == "现场照片（服务器尚未收到）"
    assert listed[0]["captured_at"] == "2026-03-14T09:21:00+08:00"


def test_the_partys_signature_is_listed_by_its_hash_whoever_took_it_and_when():
    sig = "e" * 64
    listed = inspection_record(
        FIELDS, ctx(photo("2026-03-15T08:00:00+08:00", sig, author=99), signature=sig)
    )["evidence"]
    assert listed == [
        {
            "label": "当事人签名（手写签名图像）",
            "captured_at": "2026-03-15T08:00:00+08:00",
            "sha256": sig,
        }
    ]
