"""Tenant store: isolation, baseline resets per tenant or all, snapshots that do not alias."""

from __future__ import annotations

from telemock.emulator.core.ordering import CreationIndex
from telemock.emulator.core.store import TenantStore


def make_store() -> TenantStore:
    store = TenantStore()
    store.add("a", {"items": {"1": {"v": 1}}})
    store.add("b", {"items": {}})
    store.commit_baseline()
    return store


def test_reset_all_returns_to_the_baseline_and_drops_new_tenants():
    store = make_store()
    store.tenants["a"]["items"]["1"]["v"] = 99
    store.add("c", {"items": {}})
    store.reset()
    assert store.tenants == {"a": {"items": {"1": {"v": 1}}}, "b": {"items": {}}}


def test_reset_one_tenant_leaves_the_others():
    store = make_store()
    store.tenants["a"]["items"]["2"] = {"v": 2}
    store.tenants["b"]["items"]["3"] = {"v": 3}
    store.reset("a")
    assert store.tenants["a"] == {"items": {"1": {"v": 1}}}
    assert store.tenants["b"] == {"items": {"3": {"v": 3}}}
    store.add("c", {"items": {}})
    store.reset("c")
    assert "c" not in store


def test_snapshot_and_restore_are_copies():
    store = make_store()
    snapshot = store.snapshot()
    snapshot["a"]["items"]["1"]["v"] = 7
    assert store.tenants["a"]["items"]["1"]["v"] == 1
    store.restore(snapshot)
    snapshot["a"]["items"]["1"]["v"] = 8
    assert store.tenants["a"]["items"]["1"]["v"] == 7


def test_resets_do_not_share_objects_between_rounds():
    store = make_store()
    store.reset()
    first = store.tenants["a"]
    store.reset()
    assert store.tenants["a"] is not first


def test_creation_index_pages_newest_first_strictly_before():
    index = CreationIndex([(30, "c"), (10, "a"), (20, "b")])
    index.add(40, "d")
    index.add(15, "x")
    assert index.newest_before(None, 2) == ["d", "c"]
    assert index.newest_before(30, 10) == ["b", "x", "a"]
    assert index.newest_before(30, 10, keep=lambda i: i != "x") == ["b", "a"]
    index.discard(15, "x")
    assert len(index) == 4 and index.newest_before(11, 5) == ["a"]


def test_base62_ids_have_the_length_alphabet_and_spread():
    from telemock.emulator.core.ids import BASE62, base62_id

    ids = [base62_id("vnr_", 28) for _ in range(2000)]
    assert all(len(i) == 32 and i.startswith("vnr_") and set(i[4:]) <= set(BASE62) for i in ids)
    assert len(set(ids)) == 2000
    assert set("".join(i[4:] for i in ids)) == set(BASE62)  # every character turns up
