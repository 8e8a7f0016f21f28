"""The backend's agents: create, partial PATCH, delete (and what that does to numbers that use it)."""

from __future__ import annotations

from typing import Any, Mapping

from .backend_accounts import AccountBackend
from .models import new_agent
from .state import Agent, AgentConfig


class AgentBackend(AccountBackend):
    def create_agent(self, tenant: str, config: AgentConfig) -> Agent:
        agent = new_agent(config, self.clock.stamp_us())
        self._insert(tenant, "agents", agent["id"], agent)
        return agent

    def update_agent(self, tenant: str, agent_id: str, changes: Mapping[str, Any]) -> Agent:
        """Keys left out stay; a key sent replaces the stored value whole (webhooks, metadata…)."""
        agent = self.agent(tenant, agent_id)
        self.changing(tenant)
        agent.update(changes)  # type: ignore[typeddict-item]
        agent["updated_us"] = self.clock.stamp_us()
        return agent

    def delete_agent(self, tenant: str, agent_id: str) -> Agent:
        """Numbers that use the agent are detached or left dangling (setting on_agent_delete)."""
        agent = self.agent(tenant, agent_id)
        self._remove(tenant, "agents", agent_id)
        if self.settings.on_agent_delete == "detach":
            for number in self.changing(tenant)["numbers"].values():
                if number["inbound_agent_id"] == agent_id:
                    number["inbound_agent_id"] = None
                    number["updated_us"] = self.clock.stamp_us()
        return agent
