"""Inbound traffic in the backend: a call's life and an SMS's arrival, with the events VoIPBIN sends.

Call (call-manager startCallTypeFlow, then its status updates): the activeflow is created first
(`activeflow_created`), then the call, ringing on the activeflow's start marker (`call_created`).
Each action the flow reaches moves the activeflow (`activeflow_updated`) and then the call's
`action` (`call_updated`); `answer` on a ringing call makes it `progressing` (`call_progressing`).
When the walk is over the call is hung up from this side: `terminating` (`call_terminating`),
then `hangup` with `hangup_by` `local` and `hangup_reason` `normal` (`call_hangup`), and the
activeflow is stopped (`activeflow_updated`, `ended`).

Message (message-manager hookTelnyx): the message is created for any live number
(`message_created`), before and whatever the message flow does; then the flow runs as an
activeflow as for a call, without call events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .backend_activeflows import Published
from .events import call_event, message_event
from .state import Activeflow, Number
from .traffic import Call, Message, new_call, new_message
from .walker import Walk

if TYPE_CHECKING:
    from .backend import VoipbinBackend


class Inbound:
    def __init__(self, backend: "VoipbinBackend") -> None:
        self.backend = backend
        self.clock = backend.clock

    def call(self, tenant: str, number: Number, flow_id: str, caller: str, call_id: str) -> tuple[Activeflow, Walk, Call, Published]:
        """Runs the number's call flow for an incoming call from `caller`, to the hangup."""
        backend = self.backend
        activeflows = backend.activeflows
        activeflow, published = activeflows.begin_inbound(tenant, flow_id, "call", call_id)
        customer = backend.customer(tenant)
        call = new_call(
            customer_id=customer["id"], call_id=call_id, flow_id=flow_id, activeflow_id=activeflow["id"],
            source=caller, destination=number["number"],
            rtp_debug=bool(customer.get("rtp_debug")) or number["metadata"]["rtp_debug"], now_us=self.clock.stamp_us(),
        )
        published += self._call_event(tenant, "call_created", call)
        route = activeflows.route(activeflow)
        for action in route.visited:
            published += activeflows.step(activeflow, action)
            call["action"] = activeflow["current_action"]
            self._touch(call)
            published += self._call_event(tenant, "call_updated", call)
            if action["type"] == "answer" and call["status"] == "ringing":
                call["status"] = "progressing"
                call["tm_progressing"] = self._touch(call)
                published += self._call_event(tenant, "call_progressing", call)
        call["status"] = "terminating"
        self._touch(call)
        published += self._call_event(tenant, "call_terminating", call)
        call.update(status="hangup", hangup_by="local", hangup_reason="normal")
        call["tm_hangup"] = self._touch(call)
        published += self._call_event(tenant, "call_hangup", call)
        published += activeflows.finish(activeflow)
        return activeflow, route, call, published

    def message(self, tenant: str, number: Number, caller: str, text: str) -> tuple[Message, Published]:
        """The inbound SMS as message-manager stores it; `message_created` is sent."""
        message = new_message(
            customer_id=self.backend.customer(tenant)["id"], source=caller, destination=number["number"],
            text=text, now_us=self.clock.stamp_us(),
        )
        return message, [("message_created", message_event(self.backend.provider, tenant, "message_created", message))]

    def run_message_flow(self, tenant: str, flow_id: str, conversation_id: str) -> tuple[Activeflow, Walk, Published]:
        """conversation-manager runs the number's message flow as an activeflow, instantly, to its end."""
        activeflows = self.backend.activeflows
        activeflow, published = activeflows.begin_inbound(tenant, flow_id, "conversation", conversation_id)
        route = activeflows.route(activeflow)
        for action in route.visited:
            published += activeflows.step(activeflow, action)
        published += activeflows.finish(activeflow)
        return activeflow, route, published

    def _touch(self, call: Call) -> int:
        now = self.clock.stamp_us()
        call["tm_update"] = now
        return now

    def _call_event(self, tenant: str, event_type: str, call: Call) -> Published:
        return [(event_type, call_event(self.backend.provider, tenant, event_type, call))]
