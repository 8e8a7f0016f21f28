"""The journal: bounded, filterable, and never holding a credential in clear."""

from __future__ import annotations

from telemock.emulator.core.journal import Journal
from telemock.emulator.core.secrets import mask_json_body


def record(journal: Journal, **overrides):
    values = dict(
        time="t", provider="voipbin", tenant="demo", operation="numbers_get", method="GET", path="/voipbin/v1.0/numbers",
        query={}, headers=[], body=b"", status=200, response_headers=[], response_body=b"{}", duration_ms=1.0,
    )
    values.update(overrides)
    return journal.record(**values)


def test_keeps_only_the_newest_entries():
    journal = Journal(capacity=3)
    for i in range(5):
        record(journal, path=f"/p{i}")
    assert [e.path for e in journal.query()] == ["/p2", "/p3", "/p4"]
    assert [e.seq for e in journal.query()] == [3, 4, 5]


def test_filters_combine_and_limit_keeps_the_newest():
    journal = Journal()
    record(journal, provider="voipbin", status=200, method="GET")
    record(journal, provider="voipbin", status=404, method="DELETE", tenant="other")
    record(journal, provider="gigs", status=404, method="GET")
    assert len(journal.query(status=404)) == 2
    assert [e.provider for e in journal.query(status=404, method="delete")] == ["voipbin"]
    assert [e.tenant for e in journal.query(tenant="other")] == ["other"]
    assert [e.provider for e in journal.query(limit=1)] == ["gigs"]
    assert journal.query(path="numbers", provider="gigs")[0].status == 404


def test_credentials_are_masked_everywhere():
    journal = Journal()
    entry = record(
        journal,
        headers=[("Authorization", "Basic c2VjcmV0OnNlY3JldA=="), ("Cookie", "token=abc; theme=dark"), ("X-Other", "kept")],
        query={"accesskey": ["k1"], "page_size": ["5"]},
        body=b'{"username": "demo", "password": "hunter2"}',
        response_body=b'{"username":"demo","token":"eyJhbGciOi"}',
    )
    data = entry.to_dict()
    assert data["headers"]["authorization"] == "Basic ****"
    assert data["headers"]["cookie"] == "token=****; theme=****"
    assert data["headers"]["x-other"] == "kept"
    assert data["query"] == {"accesskey": ["****"], "page_size": ["5"]}
    assert "hunter2" not in data["body"] and '"username": "demo"' in data["body"]
    assert "eyJhbGciOi" not in data["response"]["body"]


def test_large_bodies_are_clipped():
    journal = Journal()
    entry = record(journal, body=b"x" * 100_000)
    assert len(entry.body) < 70_000 and entry.body.endswith("more bytes]")


def test_mask_json_body_handles_escapes():
    assert mask_json_body(b'{"secret": "a\\"b", "n": 1}') == b'{"secret": "****", "n": 1}'
