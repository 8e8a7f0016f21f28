"""Flows in the backend: created and fully replaced with validated fields, soft-deleted with the
numbers that pointed at them unassigned, and a regenerated direct hash."""

from __future__ import annotations

import secrets
from typing import TypedDict

from .backend_resources import Resources
from .errors import FlowNotFound, ResourceLimitExceeded
from .models import new_flow
from .state import Action, Flow

MAX_FLOWS_PER_CUSTOMER = 10_000


class FlowFields(TypedDict):
    """What `POST /flows` sets and `PUT /flows/{id}` replaces, validated by the handler."""

    name: str
    detail: str
    actions: list[Action]
    on_complete_flow_id: str


class Flows(Resources[Flow]):
    collection = "flows"
    not_found = FlowNotFound

    def listed(self, item: Flow) -> bool:
        """`GET /flows` lists persistent flows only."""
        return item["type"] == "flow"

    def create(self, tenant: str, fields: FlowFields) -> Flow:
        if self.count_live(tenant) >= MAX_FLOWS_PER_CUSTOMER:
            raise self.backend.untyped(
                ResourceLimitExceeded(f"a customer can keep at most {MAX_FLOWS_PER_CUSTOMER} flows")
            )
        customer_id = self.backend.customer(tenant)["id"]
        flow = new_flow(customer_id=customer_id, now_us=self.clock.stamp_us(), **fields)
        self.add(tenant, flow)
        return flow

    def replace(self, flow: Flow, fields: FlowFields) -> Flow:
        self.changing(flow)
        flow["name"] = fields["name"]
        flow["detail"] = fields["detail"]
        flow["actions"] = fields["actions"]
        flow["on_complete_flow_id"] = fields["on_complete_flow_id"]
        flow["tm_update"] = self.clock.stamp_us()
        return flow

    def delete(self, flow: Flow) -> Flow:
        """Soft delete; numbers pointing at the flow fall back to the nil UUID without a webhook."""
        now = self.clock.stamp_us()
        self.changing(flow)
        flow["tm_update"] = flow["tm_delete"] = now
        self.backend.numbers.unassign_flow(self.owner(flow), flow["id"])
        return flow

    def regenerate_direct_hash(self, flow: Flow) -> Flow:
        self.changing(flow)
        flow["direct_hash"] = "direct." + secrets.token_hex(6)
        flow["tm_update"] = self.clock.stamp_us()
        return flow
