"""A real S3-speaking server for tests: moto in server mode on a free local port, started
once per session. Import ``s3_endpoint`` into a test module to use it."""

from __future__ import annotations

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

CREDENTIALS = {
    "region_name": "us-east-1",
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
}


@pytest.fixture(scope="session")
def s3_endpoint():
    """The server's URL (``http://127.0.0.1:<port>``); buckets are shared by the session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    """A raw boto3 client on the test server, to look behind a store's back."""
    return boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)


def new_bucket(endpoint: str) -> str:
    """Create a bucket with a name no other test uses, and return the name."""
    name = f"test-{uuid.uuid4().hex}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name
