"""Flow actions as flow-manager accepts them: known types, server-assigned ids."""

from __future__ import annotations

from typing import Any

from ...core.ids import uuid4_text
from .errors import InvalidActionType, InvalidAnonymousValue, InvalidJsonBody
from .models import ACTION_TYPES, ANONYMOUS_VALUES, NIL_UUID, lenient_uuid
from .state import Action


def normalize_actions(raw: Any) -> list[Action]:
    """Validated copies of the actions, with ids assigned where missing or nil.

    An action that does not bind to flow-manager's struct (not an object, wrong field types) is
    a bind error, INVALID_JSON_BODY; an unknown type or `anonymous` value is refused by name.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidJsonBody()
    actions = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidJsonBody()
        action_type = item.get("type", "")
        option = item.get("option")
        if not isinstance(action_type, str) or (option is not None and not isinstance(option, dict)):
            raise InvalidJsonBody()
        for key in ("id", "next_id"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise InvalidJsonBody()
        if action_type not in ACTION_TYPES:
            raise InvalidActionType(action_type)
        if action_type in ("connect", "call") and option is not None:
            anonymous = option.get("anonymous", "")
            if anonymous not in ANONYMOUS_VALUES:
                raise InvalidAnonymousValue(anonymous)
        action_id = lenient_uuid(item.get("id"))
        action: Action = {
            "id": uuid4_text() if action_id == NIL_UUID else action_id,
            "next_id": lenient_uuid(item.get("next_id")),
            "type": action_type,
        }
        if option:
            action["option"] = option
        actions.append(action)
    return actions
