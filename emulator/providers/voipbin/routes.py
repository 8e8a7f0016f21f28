"""VoIPBIN's route table: real paths, each named by its operationId in contracts/specs/voipbin.yaml."""

from __future__ import annotations

from ...core.routing import Table
from . import activeflows, customer, flows, numbers
from .auth import login

TABLE: Table = [
    ("POST", "/auth/login", "auth_login", login),
    ("GET", "/v1.0/customer", "customer_get", customer.customer_get),
    ("PUT", "/v1.0/customer", "customer_update", customer.customer_update),
    ("PUT", "/v1.0/customer/metadata", "customer_update_metadata", customer.customer_update_metadata),
    ("PUT", "/v1.0/customer/billing_account_id", "customer_update_billing_account_id", customer.customer_update_billing_account_id),
    ("GET", "/v1.0/numbers", "numbers_list", numbers.numbers_list),
    ("POST", "/v1.0/numbers", "numbers_create", numbers.numbers_create),
    ("POST", "/v1.0/numbers/renew", "numbers_renew", numbers.numbers_renew),
    ("GET", "/v1.0/numbers/{id}", "numbers_get", numbers.numbers_get),
    ("PUT", "/v1.0/numbers/{id}", "numbers_update", numbers.numbers_update),
    ("DELETE", "/v1.0/numbers/{id}", "numbers_delete", numbers.numbers_delete),
    ("PUT", "/v1.0/numbers/{id}/flow_ids", "numbers_update_flow_ids", numbers.numbers_update_flow_ids),
    ("PUT", "/v1.0/numbers/{id}/metadata", "numbers_update_metadata", numbers.numbers_update_metadata),
    ("GET", "/v1.0/available_numbers", "available_numbers_list", numbers.available_numbers),
    ("GET", "/v1.0/flows", "flows_list", flows.flows_list),
    ("POST", "/v1.0/flows", "flows_create", flows.flows_create),
    ("GET", "/v1.0/flows/{id}", "flows_get", flows.flows_get),
    ("PUT", "/v1.0/flows/{id}", "flows_update", flows.flows_update),
    ("DELETE", "/v1.0/flows/{id}", "flows_delete", flows.flows_delete),
    ("POST", "/v1.0/flows/{id}/direct-hash-regenerate", "flows_regenerate_direct_hash", flows.flows_regenerate_direct_hash),
    ("GET", "/v1.0/activeflows", "activeflows_list", activeflows.activeflows_list),
    ("POST", "/v1.0/activeflows", "activeflows_create", activeflows.activeflows_create),
    ("GET", "/v1.0/activeflows/{id}", "activeflows_get", activeflows.activeflows_get),
    ("DELETE", "/v1.0/activeflows/{id}", "activeflows_delete", activeflows.activeflows_delete),
    ("POST", "/v1.0/activeflows/{id}/stop", "activeflows_stop", activeflows.activeflows_stop),
]
