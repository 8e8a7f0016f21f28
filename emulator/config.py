"""Configuration of one emulator instance, shared by the CLI, the pytest plugin and the container."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

@dataclass
class Config:
    """Everything `create_app` needs; every field has the embedded default.

    `providers` None runs every provider plugin; a list runs only those. `fixtures` empty means the bundled `default.yaml`. `profile` applies to every provider
    unless `provider_profiles` names one for it. `settings` overrides provider settings by
    provider name (the same keys a fixture's `settings:` section takes).
    """

    providers: list[str] | None = None
    fixtures: list[Path] = field(default_factory=list)
    profile: str = "documented"
    provider_profiles: dict[str, str] = field(default_factory=dict)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    journal_size: int = 1000
    delivery_history: int = 1000
    max_body_bytes: int = 1024 * 1024
    auto_tenants: bool = False
    verdicts: bool = True
    webhook_allowed_hosts: list[str] | None = None
    reload_fixtures: bool = False
    log_requests: bool = True
    state_file: Path | None = None  # SQLite file that keeps state across restarts; None keeps it in memory
    admin_token: str | None = None  # when set, the control API (but GET /_telemock/health) needs it as a bearer token

    def profile_for(self, provider: str) -> str:
        return self.provider_profiles.get(provider, self.profile)
