"""The VoiceOS backend: the one owner of the accounts' state, its derived indexes and every change.

Handlers parse a request in FastAPI's order, call one method here and render what it returns;
the methods raise the provider's error classes for what depends on state, and mark the account
before they change it (persistence writes exactly the marked accounts). The parts, by resource:

| module | part |
|---|---|
| backend_accounts.py | accounts, auto tenants, indexes (key → account, number → holder or keeper, creation orders), lookups, pages |
| backend_numbers.py | inventory, buying, PATCH, deleting with or without release |
| backend_agents.py | agents: create, PATCH, delete (detaching numbers) |
| backend_calls.py | conversations of simulated inbound and of outbound calls on the virtual clock, their events, recordings |
"""

from __future__ import annotations

from .backend_agents import AgentBackend
from .backend_calls import CallBackend
from .backend_numbers import NumberBackend


class VoiceosBackend(NumberBackend, AgentBackend, CallBackend):
    def rebuild(self) -> None:
        """Every index from the state, and the timers of calls queued or in progress (after fixtures, reset, restore)."""
        super().rebuild()
        self.reschedule_calls()
