"""Flow actions as flow-manager accepts them: known types, server-assigned ids."""

from __future__ import annotations

import uuid
from typing import Any

from .models import ACTION_TYPES, ANONYMOUS_VALUES, NIL_UUID, lenient_uuid


class InvalidActionType(ValueError):
    def __init__(self, action_type: str) -> None:
        super().__init__(f"not supported action type: {action_type}")


class InvalidAnonymous(ValueError):
    def __init__(self, value: Any) -> None:
        super().__init__(f"invalid anonymous value: {value}")


class MalformedAction(ValueError):
    """The action does not bind to flow-manager's struct (not an object, wrong field types)."""


def normalize_actions(raw: Any) -> list[dict[str, Any]]:
    """Validated copies of the actions, with ids assigned where missing or nil."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedAction("actions must be an array")
    actions = []
    for item in raw:
        if not isinstance(item, dict):
            raise MalformedAction("each action must be an object")
        action_type = item.get("type", "")
        option = item.get("option")
        if not isinstance(action_type, str) or (option is not None and not isinstance(option, dict)):
            raise MalformedAction("an action's type is a string and its option an object")
        for key in ("id", "next_id"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise MalformedAction(f"an action's {key} is a string")
        if action_type not in ACTION_TYPES:
            raise InvalidActionType(action_type)
        if action_type in ("connect", "call") and option is not None:
            anonymous = option.get("anonymous", "")
            if anonymous not in ANONYMOUS_VALUES:
                raise InvalidAnonymous(anonymous)
        action_id = lenient_uuid(item.get("id"))
        action: dict[str, Any] = {
            "id": str(uuid.uuid4()) if action_id == NIL_UUID else action_id,
            "next_id": lenient_uuid(item.get("next_id")),
            "type": action_type,
        }
        if option:
            action["option"] = option
        actions.append(action)
    return actions
