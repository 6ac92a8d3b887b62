"""Where evidence bytes live, behind one small interface: a local folder (the embedded
default) or S3-compatible object storage (production: several stateless app servers).

Keys are built here only, from hex digests and UUIDs, never from anything a client names,
and the local store checks every path it builds stays inside its root.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

_KEY = re.compile(r"^[a-z][a-z0-9]*(/[A-Za-z0-9._-]+)+$")
_PREFIX = re.compile(r"[a-z][a-z0-9]*(/[A-Za-z0-9._-]+)*/?")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
COPY_BUFFER = 1024 * 1024


def original_key(sha256: str) -> str:
    """An original file, unchanged, under its own hash (content-addressed)."""
    if not _HEX64.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"sha256/{sha256[:2]}/{sha256}"


def derived_key(sha256: str, variant: str) -> str:
    """A copy made from a file (display size, thumbnail): never evidence itself."""
    original_key(sha256)  # checks the digest
    return f"derived/{sha256[:2]}/{sha256}/{variant}.jpg"


def print_key(evidence_id: uuid.UUID, sha256: str) -> str:
    """The watermarked print copy names the record (who, where, its code), so it is per
    record, not per file: two records may share one photo."""
    original_key(sha256)
    return f"print/{evidence_id}/{sha256}.jpg"


def upload_part_key(upload_id: uuid.UUID, start: int, end: int) -> str:
    return f"uploads/{upload_id}/{start:012d}-{end:012d}"


def upload_prefix(upload_id: uuid.UUID) -> str:
    return f"uploads/{upload_id}/"


def _check(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a store key: {key!r}")
    return key


class Store(ABC):
    """Bytes by key. Writes are whole objects (``put`` takes bytes or a readable file)."""

    @abstractmethod
    def put(self, key: str, data: bytes | IO[bytes]) -> None: ...

    @abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """A readable file of the object; raises ``FileNotFoundError`` if it is absent."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; nothing happens if it is absent."""

    @abstractmethod
    def keys(self, prefix: str) -> list[str]: ...

    @abstractmethod
    def ping(self) -> None:
        """Raise if the store cannot be reached (readiness)."""

    def read(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def iter_chunks(self, key: str, size: int = COPY_BUFFER) -> Iterator[bytes]:
        with self.open(key) as f:
            while chunk := f.read(size):
                yield chunk

    def delete_prefix(self, prefix: str) -> None:
        for key in self.keys(prefix):
            self.delete(key)


class LocalStore(Store):
    """A folder. Writes go to a temporary file in the same folder, are flushed to disk,
    then renamed into place: a killed server leaves a whole object or none."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / _check(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes | IO[bytes]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                if isinstance(data, bytes | bytearray | memoryview):
                    f.write(data)
                else:
                    shutil.copyfileobj(data, f, COPY_BUFFER)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str) -> list[str]:
        if prefix and (not _PREFIX.fullmatch(prefix) or ".." in prefix):
            raise ValueError(f"not a store prefix: {prefix!r}")
        base = self.root / prefix
        folder = base if prefix in ("", ".") or prefix.endswith("/") else base.parent
        if not folder.is_dir():
            return []
        found = []
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith(".incoming-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        return sorted(found)

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise OSError(f"evidence folder {self.root} is not writable")


class S3Store(Store):
    """An S3-compatible bucket (AWS S3, MinIO, Ceph…) through boto3. Objects are private:
    the app streams them to users who may see them, never hands out public URLs."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, **client_args: Any):
        if client is None:
            import boto3
            from botocore.config import Config

            # Short waits: a store that does not answer must fail readiness in seconds,
            # not hang a worker through boto3's default retries.
            client_args.setdefault(
                "config",
                Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}),
            )
            client = boto3.client("s3", **client_args)
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _name(self, key: str) -> str:
        return self.prefix + _check(key)

    def put(self, key: str, data: bytes | IO[bytes]) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=bytes(data))
        else:
            self.client.upload_fileobj(data, self.bucket, self._name(key))

    def open(self, key: str) -> IO[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        return response["Body"]

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from None
            raise
        return head["ContentLength"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self, prefix: str) -> list[str]:
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            found += [obj["Key"][len(self.prefix) :] for obj in page.get("Contents", [])]
        return sorted(found)

    def ping(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


def store_from_config(config: dict[str, Any]) -> Store:
    """``EVIDENCE_STORE`` is empty (the local folder ``MEDIA_ROOT``) or
    ``s3://bucket/prefix``; ``S3_ENDPOINT_URL`` points at MinIO or another S3 service.
    Credentials come the usual boto3 way (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a role)."""
    url = config.get("EVIDENCE_STORE") or ""
    if not url:
        return LocalStore(config["MEDIA_ROOT"])
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError("EVIDENCE_STORE must be empty (local folder) or s3://bucket[/prefix]")
    client_args = {
        k: v
        for k, v in {
            "endpoint_url": config.get("S3_ENDPOINT_URL") or None,
            "region_name": config.get("S3_REGION") or None,
        }.items()
        if v
    }
    return S3Store(parsed.netloc, parsed.path, **client_args)
