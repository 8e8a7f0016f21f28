"""Gigs' route table: real paths, each named by its operationId in contracts/specs/gigs.yaml."""

from __future__ import annotations

from ...core.routing import Table
from . import subscriptions, virtual_numbers

BASE = "/projects/{project}"
TABLE: Table = [
    ("GET", f"{BASE}/virtualNumbers", "virtual_numbers_list", virtual_numbers.virtual_numbers_list),
    ("POST", f"{BASE}/virtualNumbers", "virtual_numbers_create", virtual_numbers.virtual_numbers_create),
    ("GET", f"{BASE}/virtualNumbers/{{virtualNumber}}", "virtual_numbers_get", virtual_numbers.virtual_numbers_get),
    ("POST", f"{BASE}/virtualNumbers/{{virtualNumber}}/cancel", "virtual_numbers_cancel", virtual_numbers.virtual_numbers_cancel),
    ("GET", f"{BASE}/subscriptions", "subscriptions_list", subscriptions.subscriptions_list),
    ("GET", f"{BASE}/subscriptions/{{subscription}}", "subscriptions_get", subscriptions.subscriptions_get),
    ("GET", f"{BASE}/users", "users_list", subscriptions.users_list),
    ("GET", f"{BASE}/users/{{user}}", "users_get", subscriptions.users_get),
]
