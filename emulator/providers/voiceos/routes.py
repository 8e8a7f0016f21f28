"""VoiceOS's route table: real paths, each named by its operationId in contracts/specs/voiceos.yaml.

`/phone_numbers/buy` comes before `/phone_numbers/{phone_number}`: a GET or POST there is the
search or the purchase, while PATCH or DELETE fall through to the number route (and find no
number called "buy"), as in the service's router.
"""

from __future__ import annotations

from ...core.routing import Table
from . import agents, conversations, health, numbers

TABLE: Table = [
    ("GET", "/", "health_get", health.health_get),
    ("GET", "/phone_numbers", "phone_numbers_list", numbers.phone_numbers_list),
    ("GET", "/phone_numbers/buy", "phone_numbers_available", numbers.phone_numbers_available),
    ("POST", "/phone_numbers/buy", "phone_numbers_buy", numbers.phone_numbers_buy),
    ("GET", "/phone_numbers/{phone_number}", "phone_numbers_get", numbers.phone_numbers_get),
    ("PATCH", "/phone_numbers/{phone_number}", "phone_numbers_update", numbers.phone_numbers_update),
    ("DELETE", "/phone_numbers/{phone_number}", "phone_numbers_delete", numbers.phone_numbers_delete),
    ("POST", "/agents", "agents_create", agents.agents_create),
    ("GET", "/agents", "agents_list", agents.agents_list),
    ("GET", "/agents/{id}", "agents_get", agents.agents_get),
    ("PATCH", "/agents/{id}", "agents_update", agents.agents_update),
    ("DELETE", "/agents/{id}", "agents_delete", agents.agents_delete),
    ("GET", "/conversations", "conversations_list", conversations.conversations_list),
    (
        "POST",
        "/conversations/create_phone_call",
        "conversations_create_phone_call",
        conversations.conversations_create_phone_call,
    ),
    ("GET", "/conversations/{id}", "conversations_get", conversations.conversations_get),
    ("GET", "/conversations/{id}/recording", "conversations_get_recording", conversations.conversations_get_recording),
]
