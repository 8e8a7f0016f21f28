"""Activeflows in the backend: started through the API or by inbound traffic, stopped, deleted,
each change sent as an `activeflow_*` event."""

from __future__ import annotations

from ...core.outbox import Message
from .backend_resources import Resources
from .errors import ActiveflowNotFound
from .events import activeflow_event
from .models import new_activeflow
from .state import Action, Activeflow
from .walker import Walk, walk

# What an inbound run sent: each event type in order, with the messages queued for it.
Published = list[tuple[str, list[Message]]]


class Activeflows(Resources[Activeflow]):
    collection = "activeflows"
    not_found = ActiveflowNotFound

    def _publish(self, event_type: str, activeflow: Activeflow) -> list[Message]:
        return activeflow_event(self.backend.provider, self.owner(activeflow), event_type, activeflow)

    def start(
        self,
        tenant: str,
        *,
        activeflow_id: str | None,
        flow_id: str,
        actions: list[Action],
        on_complete_flow_id: str,
        variables: dict[str, str],
        webhook_uri: str,
        webhook_method: str,
    ) -> Activeflow:
        """`POST /activeflows`: positioned on its first action, or ended at once when it has none."""
        now = self.clock.stamp_us()
        activeflow = new_activeflow(
            activeflow_id=activeflow_id,
            customer_id=self.backend.customer(tenant)["id"],
            flow_id=flow_id,
            actions=actions,
            on_complete_flow_id=on_complete_flow_id,
            reference_type="api",
            webhook_uri=webhook_uri,
            webhook_method=webhook_method,
            variables=variables,
            now_us=now,
        )
        if actions:
            activeflow["current_action"] = actions[0].copy()
        else:
            activeflow["status"] = "ended"
            activeflow["tm_update"] = now
        self.add(tenant, activeflow)
        self._publish("activeflow_created", activeflow)
        return activeflow

    def stop(self, activeflow: Activeflow) -> Activeflow:
        """Idempotent: stopping an ended activeflow changes nothing and sends nothing."""
        if activeflow["status"] != "ended":
            self.changing(activeflow)
            activeflow["status"] = "ended"
            activeflow["tm_update"] = self.clock.stamp_us()
            self._publish("activeflow_updated", activeflow)
        return activeflow

    def delete(self, activeflow: Activeflow) -> Activeflow:
        """A running activeflow is stopped first: `activeflow_updated`, then `activeflow_deleted`."""
        self.stop(activeflow)
        now = self.clock.stamp_us()
        self.changing(activeflow)
        activeflow["tm_update"] = activeflow["tm_delete"] = now
        self._publish("activeflow_deleted", activeflow)
        return activeflow

    def begin_inbound(self, tenant: str, flow_id: str, reference_type: str, reference_id: str) -> tuple[Activeflow, Published]:
        """An activeflow for inbound traffic on a live flow, at its start marker; `activeflow_created` sent."""
        flow = self.backend.tenant(tenant)["flows"][flow_id]
        activeflow = new_activeflow(
            customer_id=self.backend.customer(tenant)["id"],
            flow_id=flow_id,
            actions=flow["actions"],
            on_complete_flow_id=flow["on_complete_flow_id"],
            reference_type=reference_type,
            reference_id=reference_id,
            now_us=self.clock.stamp_us(),
        )
        self.add(tenant, activeflow)
        return activeflow, [("activeflow_created", self._publish("activeflow_created", activeflow))]

    def route(self, activeflow: Activeflow) -> Walk:
        """The actions the activeflow's cursor visits, instantly, to the end (see walker.py)."""
        return walk(activeflow["actions"], reference_type=activeflow["reference_type"])

    def step(self, activeflow: Activeflow, action: Action) -> Published:
        """The cursor moves to `action`: flow-manager's updateCurrentAction publishes `activeflow_updated`."""
        now = self.clock.stamp_us()
        self.changing(activeflow)
        activeflow["executed_actions"].append(activeflow["current_action"])
        current = action.copy()
        current["tm_execute"] = now
        activeflow["current_action"] = current
        activeflow["tm_update"] = now
        return [("activeflow_updated", self._publish("activeflow_updated", activeflow))]

    def finish(self, activeflow: Activeflow) -> Published:
        """The walk is over: the activeflow ends with one more `activeflow_updated`."""
        self.changing(activeflow)
        activeflow["status"] = "ended"
        activeflow["tm_update"] = self.clock.stamp_us()
        return [("activeflow_updated", self._publish("activeflow_updated", activeflow))]
