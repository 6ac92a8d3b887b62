"""The evidence store contract: one body of tests runs on the local folder and on a real
S3-speaking server (moto in server mode), so both backends keep the same promises."""

from __future__ import annotations

import hashlib
import io
import os
import uuid

import pytest
from botocore.exceptions import ClientError

from server.evidence.storage import (
    LocalStore,
    S3Store,
    original_key,
    store_from_config,
    upload_part_key,
    upload_prefix,
)
from tests.server.s3_server import CREDENTIALS, new_bucket, s3_client, s3_endpoint  # noqa: F401

MIB = 1024 * 1024
BAD_KEYS = ["../etc/passwd", "sha256/../../x", "/abs", "a b", "", "sha256", "sha256/ab/"]


def key_for(data: bytes) -> str:
    return original_key(hashlib.sha256(data).hexdigest())


def files_under(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture
def endpoint(request, aws_env):
    """The session's moto server (imported fixture), with credentials in the environment."""
    return request.getfixturevalue("s3_endpoint")


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "media")
    endpoint = request.getfixturevalue("endpoint")
    return S3Store(new_bucket(endpoint), prefix="evidence", endpoint_url=endpoint, **CREDENTIALS)


def test_bytes_put_are_read_back_unchanged(store):
    data = b"\x00photo bytes\xff" * 100
    store.put(key_for(data), data)
    assert store.read(key_for(data)) == data
    assert store.size(key_for(data)) == len(data)


def test_a_file_object_is_stored_whole_and_read_chunks_and_size_agree(store):
    data = os.urandom(3 * MIB)
    key = key_for(data)
    store.put(key, io.BytesIO(data))
    assert store.read(key) == data
    chunks = list(store.iter_chunks(key, size=MIB))
    assert len(chunks) > 1 and all(len(c) <= MIB for c in chunks)
    assert b"".join(chunks) == data
    assert store.size(key) == len(data)


def test_exists_is_false_before_put_and_after_delete(store):
    key = key_for(b"x")
    assert not store.exists(key)
    store.put(key, b"x")
    assert store.exists(key)
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.read(key)


def test_deleting_an_absent_key_does_nothing(store):
    kept = key_for(b"kept")
    store.put(kept, b"kept")
    store.delete(key_for(b"never stored"))
    store.delete(key_for(b"never stored"))
    assert store.read(kept) == b"kept"


def test_open_and_size_of_an_absent_key_raise_file_not_found(store):
    key = key_for(b"absent")
    with pytest.raises(FileNotFoundError):
        store.open(key)
    with pytest.raises(FileNotFoundError):
        store.size(key)


def _two_uploads(store) -> tuple[uuid.UUID, list[str], str]:
    mine, sibling = uuid.uuid4(), uuid.uuid4()
    parts = [upload_part_key(mine, s, e) for s, e in [(2048, 4096), (0, 1024), (1024, 2048)]]
    for i, key in enumerate(parts):
        store.put(key, bytes([i]) * 10)
    other = upload_part_key(sibling, 0, 1024)
    store.put(other, b"sibling")
    store.put(key_for(b"elsewhere"), b"elsewhere")
    return mine, parts, other


def test_keys_lists_exactly_the_sorted_keys_under_a_prefix_and_nothing_from_a_sibling(store):
    mine, parts, other = _two_uploads(store)
    assert store.keys(upload_prefix(mine)) == sorted(parts)
    assert store.keys("uploads/") == sorted([*parts, other])
    assert store.keys(upload_prefix(uuid.uuid4())) == []


def test_an_empty_prefix_lists_every_key_in_the_store_and_nothing_beside_it(store, tmp_path):
    (tmp_path / "next-to-the-store.txt").write_bytes(b"not evidence")
    _, parts, other = _two_uploads(store)
    assert store.keys("") == sorted([*parts, other, key_for(b"elsewhere")])


def test_delete_prefix_removes_every_key_under_it_and_leaves_the_sibling(store):
    mine, parts, other = _two_uploads(store)
    store.delete_prefix(upload_prefix(mine))
    assert store.keys(upload_prefix(mine)) == []
    assert not any(store.exists(key) for key in parts)
    assert store.keys("uploads/") == [other]
    assert store.read(other) == b"sibling"
    assert store.exists(key_for(b"elsewhere"))


def test_overwriting_a_key_replaces_the_content(store):
    key = key_for(b"first")
    store.put(key, b"a longer first version")
    store.put(key, io.BytesIO(b"second"))
    assert store.read(key) == b"second"
    assert store.size(key) == len(b"second")


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_keys_that_could_escape_or_are_malformed_are_refused(store, bad, tmp_path):
    for attempt in (
        lambda: store.put(bad, b"x"),
        lambda: store.open(bad),
        lambda: store.exists(bad),
        lambda: store.size(bad),
        lambda: store.delete(bad),
    ):
        with pytest.raises(ValueError):
            attempt()
    if isinstance(store, LocalStore):
        assert files_under(tmp_path) == []
    else:
        assert "Contents" not in store.client.list_objects_v2(Bucket=store.bucket)


def test_a_trailing_newline_is_not_accepted_in_a_key_or_a_digest(store):
    sha = hashlib.sha256(b"x").hexdigest()
    with pytest.raises(ValueError):
        original_key(sha + "\n")
    with pytest.raises(ValueError):
        store.put(original_key(sha) + "\n", b"x")


def test_original_key_is_content_addressed_and_refuses_anything_but_a_sha256_digest():
    sha = hashlib.sha256(b"evidence").hexdigest()
    assert original_key(sha) == f"sha256/{sha[:2]}/{sha}"
    for bad in [sha[:-1], sha + "0", sha.upper(), "g" * 64, "", "../" + sha[3:], sha[:62] + "/."]:
        with pytest.raises(ValueError):
            original_key(bad)


def test_ping_succeeds_on_a_reachable_store(store):
    store.ping()


def test_s3_ping_raises_when_the_bucket_does_not_exist(endpoint):
    missing = S3Store(f"missing-{uuid.uuid4().hex}", endpoint_url=endpoint, **CREDENTIALS)
    with pytest.raises(ClientError):
        missing.ping()


class BreaksMidway:
    """A readable file whose source fails (a dropped upload) after its first kilobyte."""

    def __init__(self):
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        if self.reads == 1:
            return b"k" * 1024
        raise OSError("connection reset while reading the upload")


def test_a_local_put_that_fails_midway_leaves_no_object_and_no_temporary_file(tmp_path):
    store = LocalStore(tmp_path / "media")
    old, new = key_for(b"old"), key_for(b"new")
    store.put(old, b"old")
    for key in (new, old):
        source = BreaksMidway()
        with pytest.raises(OSError, match="connection reset"):
            store.put(key, source)
        assert source.reads == 2
    assert files_under(store.root) == [old]
    assert not store.exists(new)
    assert store.read(old) == b"old"


def test_a_local_store_does_not_list_a_leftover_temporary_file(tmp_path):
    store = LocalStore(tmp_path / "media")
    store.put(key_for(b"x"), b"x")
    (store.root / key_for(b"x")).with_name(".incoming-abc").write_bytes(b"half")
    assert store.keys("sha256/") == [key_for(b"x")]


def test_an_empty_store_setting_gives_a_local_store_on_media_root(tmp_path):
    store = store_from_config({"EVIDENCE_STORE": "", "MEDIA_ROOT": str(tmp_path / "m")})
    assert isinstance(store, LocalStore)
    store.put(key_for(b"x"), b"x")
    assert (tmp_path / "m" / key_for(b"x")).read_bytes() == b"x"


def test_an_s3_store_setting_gives_an_s3_store_that_writes_under_its_prefix(endpoint, tmp_path):
    bucket = new_bucket(endpoint)
    store = store_from_config(
        {
            "EVIDENCE_STORE": f"s3://{bucket}/pre",
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": "us-east-1",
            "MEDIA_ROOT": str(tmp_path / "unused"),
        }
    )
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == (bucket, "pre/")
    key = key_for(b"in the bucket")
    store.put(key, b"in the bucket")
    raw = s3_client(endpoint)
    listed = raw.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [obj["Key"] for obj in listed] == [f"pre/{key}"]
    assert raw.get_object(Bucket=bucket, Key=f"pre/{key}")["Body"].read() == b"in the bucket"
    assert store.keys("sha256/") == [key]
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize("url", ["ftp://x", "s3://", "s3:///pre", "bucket/pre", "file:///tmp"])
def test_an_evidence_store_setting_that_is_not_an_s3_url_is_refused(url, tmp_path):
    with pytest.raises(ValueError):
        store_from_config({"EVIDENCE_STORE": url, "MEDIA_ROOT": str(tmp_path)})
