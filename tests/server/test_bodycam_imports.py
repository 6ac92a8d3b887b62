"""Body-camera files (执法记录仪) imported at the desk (issue 22): hashed by the desk before
they are sent, checked like any video, their recording's own time and camera read from the
file (its container's metadata, else its name) and kept apart from who imported them and
when; ranges of a clip linked to cases, listed with the case and in the evidence export."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import zipfile

import pytest

from tests.server.case_kit import case_create
from tests.server.evidence_kit import evidence_mutation, patch, recording, sha, start_upload
from tests.server.evidence_kit import upload as send
from tests.server.sync_kit import push_one

IMPORTS = "/api/v1/bodycam-imports"


def bodycam_video(fmt: str = "mp4", seconds: float = 3.0, **metadata: str) -> bytes:
    """A clip as a body camera writes it: picture and sound, and the metadata given
    (``creation_time``, ``make``, ``model``…) in its container."""
    codecs = {
        # Keys beyond QuickTime's few (make, model) as a camera writes them: mdta keys.
        "mp4": ["-c:v", "mpeg4", "-c:a", "aac", "-movflags", "use_metadata_tags"],
        "avi": ["-c:v", "mpeg4", "-c:a", "libmp3lame"],
    }
    sources = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    sources += ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=10:duration={seconds}"]
    tags = [a for k, v in metadata.items() for a in ("-metadata", f"{k}={v}")]
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/r.{fmt}"
        subprocess.run(
            ["ffmpeg", "-v", "error", *sources, *codecs[fmt], *tags, "-y", out],
            check=True,
            timeout=120,
        )
        with open(out, "rb") as f:
            return f.read()


def import_file(session, data: bytes, name: str, media_type: str = "video/mp4", digest=None):
    """Declare an import as the desk does, then send its bytes by tus; returns (id, the
    last upload response)."""
    made = session.post(
        IMPORTS,
        json={
            "file_name": name,
            "original": {
                "sha256": digest or sha(data),
                "size": len(data),
                "media_type": media_type,
            },
        },
    )
    assert made.status_code == 201, made.get_json()
    evidence_id = made.get_json()["id"]
    if digest is None:
        return evidence_id, send(session, evidence_id, data)
    # The bytes sent under the hash the desk declared (a file changed after hashing).
    created = start_upload(session, evidence_id, data, digest)
    assert created.status_code == 201, created.get_json()
    return evidence_id, patch(session, created.headers["Location"], 0, data)


@pytest.fixture(scope="module")
def tagged_clip() -> bytes:
    return bodycam_video(
        creation_time="2026-12-03T02:15:00.000000Z", make="HIKVISION", model="DSJ-HKV1"
    )


@pytest.fixture(scope="module")
def plain_clip() -> bytes:
    # ffmpeg writes an encoder tag (Lavf…) and no time: nothing about the camera.
    return bodycam_video(seconds=3.0, comment="no camera facts")


def test_an_import_reads_time_and_camera_from_the_container_apart_from_its_import(
    app, world, login, tagged_clip
):
    officer = login("officer_a")
    evidence_id, sent = import_file(officer, tagged_clip, "VID_0001.MP4")
    assert sent.status_code == 204, sent.get_json()
    got = officer.get(f"{IMPORTS}/{evidence_id}").get_json()
    assert got["held"] and 2900 <= got["duration_ms"] <= 3100
    # 02:15 UTC is 10:15 China time, the camera's own.
    assert got["recorded_at"].startswith("2026-12-03T02:15:00")
    assert got["recorded_at_source"] == "container"
    assert got["device"] == "HIKVISION DSJ-HKV1" and got["device_source"] == "container"
    # Who imported it and when is the server's, never the recording's.
    assert got["imported_by"] == world.users["officer_a"]
    assert got["imported_at"] != got["recorded_at"] and not got["imported_at"].startswith(
        "2026-12-03T02:15"
    )
    assert got["sha256"] == sha(tagged_clip) and got["links"] == []
    record = officer.get(f"/api/v1/evidence/{evidence_id}").get_json()
    assert record["kind"] == "video" and record["clue_id"] is None
    # Unlinked: in the township's import inbox, and not in the other township's.
    inbox = officer.get(IMPORTS).get_json()["imports"]
    assert [i["id"] for i in inbox] == [evidence_id]
    assert login("officer_b").get(IMPORTS).get_json()["imports"] == []
    assert login("officer_b").get(f"{IMPORTS}/{evidence_id}").status_code == 404


def test_an_import_with_a_silent_container_reads_time_and_camera_from_its_file_name(
    app, world, login, plain_clip
):
    dispatcher = login("dispatcher_a")
    evidence_id, sent = import_file(dispatcher, plain_clip, "20261203_101500_DSJ12345.MP4")
    assert sent.status_code == 204, sent.get_json()
    got = dispatcher.get(f"{IMPORTS}/{evidence_id}").get_json()
    assert got["recorded_at"] == "2026-12-03T02:15:00+00:00"  # 10:15 China time
    assert got["recorded_at_source"] == "file_name"
    assert got["device"] == "DSJ12345" and got["device_source"] == "file_name"


def test_the_container_wins_over_the_file_name_and_their_disagreement_is_kept(
    app, world, login, tagged_clip
):
    officer = login("officer_a")
    evidence_id, _sent = import_file(officer, tagged_clip, "20261203_120000_DSJ12345.MP4")
    got = officer.get(f"{IMPORTS}/{evidence_id}").get_json()
    assert got["recorded_at_source"] == "container"
    assert got["recorded_at"].startswith("2026-12-03T02:15:00")
    assert {"field": "recorded_at", "difference_s": -6300} in got["origin_disagreements"]


def test_an_avi_from_an_older_camera_is_accepted(app, world, login):
    officer = login("officer_a")
    clip = bodycam_video("avi", seconds=2.0)
    evidence_id, sent = import_file(officer, clip, "20261203_101500_DSJ7.AVI", "video/x-msvideo")
    assert sent.status_code == 204, sent.get_json()
    got = officer.get(f"{IMPORTS}/{evidence_id}").get_json()
    assert got["device"] == "DSJ7" and got["held"]
    thumb = officer.get(f"/api/v1/evidence/{evidence_id}/files/thumb")  # its poster frame
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"


def test_a_hash_mismatch_is_refused_and_nothing_is_kept(app, world, login, plain_clip):
    officer = login("officer_a")
    declared = sha(plain_clip[:-1] + b"\0")
    evidence_id, sent = import_file(officer, plain_clip, "a.mp4", digest=declared)
    assert sent.status_code == 460 and "sha256" in sent.get_json()["fields"]
    assert officer.get(f"/api/v1/evidence/{evidence_id}/files/original").status_code == 404
    assert not officer.get(f"{IMPORTS}/{evidence_id}").get_json()["held"]
    with app.app_context():
        from server.core.db import db
        from server.evidence.models import Blob

        assert db.session.get(Blob, sha(plain_clip)) is None


def test_a_file_that_is_not_a_video_is_refused(app, world, login):
    officer = login("officer_a")
    sound = recording("audio", "m4a")
    evidence_id, sent = import_file(officer, sound, "20261203_101500_DSJ1.MP4")
    assert sent.status_code == 422 and sent.get_json()["error"] == "wrong_type"
    text = b"not a video at all, just words" * 10
    evidence_id, sent = import_file(officer, text, "notes.mp4")
    assert sent.status_code == 422 and sent.get_json()["error"] == "not_a_recording"
    assert officer.get(f"/api/v1/evidence/{evidence_id}/files/original").status_code == 404
    # A type the workflow does not declare for a body camera is refused before any byte.
    made = officer.post(
        IMPORTS,
        json={
            "file_name": "x.mkv",
            "original": {"sha256": sha(text), "size": 9, "media_type": "video/webm"},
        },
    )
    assert made.status_code == 422 and "media_type" in made.get_json()["fields"]["original"]


def test_who_may_import(app, world, login, plain_clip):
    body = {
        "file_name": "a.mp4",
        "original": {"sha256": sha(plain_clip), "size": 9, "media_type": "video/mp4"},
    }
    assert login("leader_a").post(IMPORTS, json=body).status_code == 201
    # A reviewer reads, a county dispatcher is not the township's staff, a grid worker is no staff.
    assert login("reviewer_a").post(IMPORTS, json=body).status_code == 403
    assert login("dispatcher_county").post(IMPORTS, json=body).status_code == 403
    assert login("grid_a").post(IMPORTS, json=body).status_code == 403


def _case(world, login, township="a") -> str:
    created = case_create(world.clues[f"clue_{township}"])
    assert push_one(login(f"officer_{township}"), created)["outcome"] == "applied"
    return created["record_id"]


def test_ranges_of_a_clip_are_linked_to_cases_and_listed_with_them(app, world, login, tagged_clip):
    officer = login("officer_a")
    case_id = _case(world, login)
    evidence_id, _sent = import_file(officer, tagged_clip, "VID_0002.MP4")
    links = f"{IMPORTS}/{evidence_id}/links"
    first = officer.post(links, json={"case_id": case_id, "start_ms": 1000, "end_ms": 2000})
    assert first.status_code == 201, first.get_json()
    second = officer.post(links, json={"case_id": case_id, "start_ms": 0, "end_ms": 500})
    assert second.status_code == 201
    # Linked: out of the inbox, still listed with ?all=1.
    assert evidence_id not in [i["id"] for i in officer.get(IMPORTS).get_json()["imports"]]
    assert evidence_id in [i["id"] for i in officer.get(f"{IMPORTS}?all=1").get_json()["imports"]]
    clips = login("dispatcher_a").get(f"/api/v1/cases/{case_id}/clips").get_json()["clips"]
    assert [(c["start_ms"], c["end_ms"]) for c in clips] == [(1000, 2000), (0, 500)]
    assert clips[0]["clip"]["device"] == "HIKVISION DSJ-HKV1"
    assert clips[0]["clip"]["sha256"] == sha(tagged_clip)
    assert clips[0]["linked_by"] == world.users["officer_a"]
    with app.app_context():
        import sqlalchemy as sa

        from server.audit.models import AuditEntry
        from server.core.db import db

        linked = (
            db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "bodycam.linked"))
            .scalars()
            .all()
        )
        assert [e.detail["start_ms"] for e in linked] == [1000, 0]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(2000, 1000, "end_ms"), (0, 9000, "end_ms"), (-5, 100, "start_ms"), ("1", 100, "start_ms")],
)
def test_a_bad_range_is_refused_naming_its_field(app, world, login, tagged_clip, start, end, field):
    officer = login("officer_a")
    case_id = _case(world, login)
    evidence_id, _sent = import_file(officer, tagged_clip, "VID_0003.MP4")
    refused = officer.post(
        f"{IMPORTS}/{evidence_id}/links",
        json={"case_id": case_id, "start_ms": start, "end_ms": end},
    )
    assert refused.status_code == 422 and field in refused.get_json()["fields"], refused.get_json()


def test_a_foreign_case_or_another_townships_user_gets_404(app, world, login, tagged_clip):
    officer = login("officer_a")
    foreign_case = _case(world, login, "b")
    evidence_id, _sent = import_file(officer, tagged_clip, "VID_0004.MP4")
    links = f"{IMPORTS}/{evidence_id}/links"
    body = {"case_id": foreign_case, "start_ms": 0, "end_ms": 1000}
    assert officer.post(links, json=body).status_code == 404
    # The other township's officer, with his own case: the import is not his to see.
    assert login("officer_b").post(links, json=body).status_code == 404


def test_the_export_holds_a_linked_clip_once_with_its_ranges(app, world, login, tagged_clip):
    from server.evidence import export

    officer = login("officer_a")
    case_id = _case(world, login)
    evidence_id, _sent = import_file(officer, tagged_clip, "VID_0005.MP4")
    for start, end in ((0, 1000), (1500, 2500)):
        body = {"case_id": case_id, "start_ms": start, "end_ms": end}
        assert officer.post(f"{IMPORTS}/{evidence_id}/links", json=body).status_code == 201
    zipped = login("dispatcher_a").get(f"/api/v1/clues/{world.clues['clue_a']}/evidence-export")
    assert zipped.status_code == 200
    assert export.verify(zipped.data).ok, export.verify(zipped.data).problems
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    manifest = json.loads(archive.read(export.MANIFEST))
    [clip] = manifest["clips"]
    assert [(r["start_ms"], r["end_ms"]) for r in clip["links"]] == [(0, 1000), (1500, 2500)]
    assert clip["device"] == "HIKVISION DSJ-HKV1" and clip["recorded_at_source"] == "container"
    assert clip["imported_by"] == world.users["officer_a"]
    files = [n for n in archive.namelist() if sha(tagged_clip) in n]
    assert files == [clip["path"]] and archive.read(clip["path"]) == tagged_clip
    # The export's audit trail carries the import and its links.
    actions = {e["action"] for e in manifest["audit"]}
    assert {"bodycam.imported", "bodycam.origin_read"} <= actions


def test_the_staff_still_see_a_clues_evidence_beside_the_imports(app, world, login, plain_clip):
    from tests.server.evidence_kit import phone_photo, record_evidence

    grid = login("grid_a")
    photo = phone_photo(64, 48)
    evidence_id = record_evidence(grid, world.clues["clue_a"], photo)
    import_file(login("officer_a"), plain_clip, "a.mp4")
    for who in ("dispatcher_a", "officer_a", "dispatcher_county"):
        assert login(who).get(f"/api/v1/evidence/{evidence_id}").status_code == 200, who


def test_a_cameras_file_may_be_as_large_as_its_card_allows_a_phones_clip_may_not(app, world, login):
    """A body camera splits a recording at a FAT32 card's largest file (4 GiB less a byte):
    an import that size is recorded, and its upload may start; a byte more is refused
    naming the size. A phone's own video keeps the workflow's 1 GiB."""
    officer = login("officer_a")
    digest = "ab" * 32
    largest = 4 * 1024**3 - 1

    def declare(size: int):
        original = {"sha256": digest, "size": size, "media_type": "video/mp4"}
        return officer.post(
            IMPORTS, json={"file_name": "20261203_101500_DSJ1.MP4", "original": original}
        )

    made = declare(largest)
    assert made.status_code == 201, made.get_json()
    started = start_upload(
        officer, made.get_json()["id"], b"", digest, **{"Upload-Length": str(largest)}
    )
    assert started.status_code == 201, started.get_json()
    refused = declare(largest + 1)
    assert refused.status_code == 422
    assert "size" in refused.get_json()["fields"]["original"]

    # The same file recorded on a phone: over the phone video's limit.
    m = evidence_mutation(world.clues["clue_a"], b"x", kind="video", media_type="video/mp4")
    m["payload"]["original"]["size"] = 2 * 1024**3
    answer = push_one(officer, m)
    assert answer["outcome"] == "rejected" and "size" in str(answer), answer
