"""Evidence records in the rules: an append-only child (R3) naming its files by hash,
excluded only by a supervisor with a reason, never deleted (R10)."""

from __future__ import annotations

import hashlib
import uuid

from hypothesis import given
from hypothesis import strategies as st

from sync.types import Mutation, Op
from tests.sync.kit import D1, NOW, O1, W1, W4, Server, create, delete, step

PHOTO = {
    "sha256": hashlib.sha256(b"photo").hexdigest(),
    "size": 3_145_728,
    "media_type": "image/jpeg",
}


def evidence(clue_id, evidence_id=None, **overrides) -> Mutation:
    payload = {"kind": "photo", "original": PHOTO, "captured_at": NOW.isoformat(), **overrides}
    return Mutation(
        uuid.uuid4(), "evidence", evidence_id or uuid.uuid4(), Op.CREATE, payload, parent_id=clue_id
    )


def reported(server: Server) -> uuid.UUID:
    m = create()
    [result] = server.push(W1, [m])
    assert result["outcome"] == "applied"
    return m.record_id


def test_evidence_is_created_included_with_its_capturer():
    server = Server()
    clue = reported(server)
    m = evidence(clue)
    [result] = server.push(W1, [m])
    assert result["outcome"] == "applied"
    state = server.records[("evidence", m.record_id)]
    assert state.status == "included" and state.fields["author_id"] == W1.user_id
    assert state.fields["original"] == PHOTO and state.parent_id == clue


def test_evidence_on_a_closed_clue_is_accepted_and_flagged_late():
    server = Server()
    clue = reported(server)
    server.push(D1, [step(clue, "reject", reason="不属实")])
    [result] = server.push(W1, [evidence(clue)])
    assert result["outcome"] == "applied" and "late" in result["flags"]


def test_someone_who_cannot_see_the_clue_cannot_attach_evidence():
    server = Server()
    clue = reported(server)
    [result] = server.push(W4, [evidence(clue)])  # another township's grid worker
    assert (result["outcome"], result["reason"]) == ("waiting", "waiting_parent")


def test_the_same_evidence_pushed_again_is_a_duplicate_and_other_content_a_conflict():
    server = Server()
    clue = reported(server)
    ident = uuid.uuid4()
    server.push(W1, [evidence(clue, ident)])
    assert server.push(W1, [evidence(clue, ident)])[0]["outcome"] == "duplicate"
    other = {**PHOTO, "sha256": "0" * 64}
    assert server.push(W1, [evidence(clue, ident, original=other)])[0]["reason"] == "id_conflict"


def test_evidence_is_never_edited_nor_deleted_from_the_field():
    server = Server()
    clue = reported(server)
    m = evidence(clue)
    server.push(W1, [m])
    edit = Mutation(uuid.uuid4(), "evidence", m.record_id, Op.UPDATE, {"note": "x"}, 1)
    assert server.push(W1, [edit])[0]["reason"] == "forbidden"
    assert server.push(D1, [delete(m.record_id, "evidence")])[0]["reason"] == "no_hard_delete"


def test_only_a_supervisor_excludes_and_must_say_why():
    server = Server()
    clue = reported(server)
    m = evidence(clue)
    server.push(W1, [m])
    exclude = lambda **a: step(m.record_id, "exclude", record_type="evidence", **a)  # noqa: E731
    assert server.push(W1, [exclude(reason="拍错")])[0]["reason"] == "forbidden"
    assert server.push(O1, [exclude(reason="拍错")])[0]["reason"] == "forbidden"
    assert "reason" in server.push(D1, [exclude()])[0]["fields"]
    assert server.push(D1, [exclude(reason="与本案无关")])[0]["outcome"] == "applied"
    state = server.records[("evidence", m.record_id)]
    assert state.status == "excluded" and state.fields["excluded_by"] == D1.user_id
    assert server.push(D1, [exclude(reason="与本案无关")])[0]["outcome"] == "duplicate"


def test_a_copy_identical_to_the_original_is_invalid():
    server = Server()
    [result] = server.push(W1, [evidence(reported(server), copy=PHOTO)])
    assert result["outcome"] == "rejected" and "copy" in result["fields"]


@given(
    sha=st.text(alphabet="0123456789abcdefgxyzABCDEF ", max_size=70),
    size=st.one_of(st.integers(-5, 2**40), st.booleans(), st.floats(), st.none(), st.text()),
    media_type=st.sampled_from(["image/jpeg", "image/png", "image/gif", "text/html", "", None]),
)
def test_a_declared_file_is_accepted_only_when_every_part_of_it_is_valid(sha, size, media_type):
    server = Server()
    clue = reported(server)
    declared = {"sha256": sha, "size": size, "media_type": media_type}
    [result] = server.push(W1, [evidence(clue, original=declared)])
    valid = (
        len(sha) == 64
        and set(sha.lower()) <= set("0123456789abcdef")
        and isinstance(size, int)
        and not isinstance(size, bool)
        and 1 <= size <= 40 * 1024 * 1024
        and media_type in ("image/jpeg", "image/png")
    )
    assert (result["outcome"] == "applied") == valid, result
    if not valid:
        assert set(result["fields"]["original"]) <= {"sha256", "size", "media_type"}
