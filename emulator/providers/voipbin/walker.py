"""A small walk over a flow's actions, in the order flow-manager's cursor would visit them.

Nothing is really executed (no media, no waiting): the walk only decides which actions run,
so a simulated call or message can record them on its activeflow. Rules, as flow-manager has
them: the array order, unless an action's `next_id` names another action; `goto` jumps to
`option.target_id` while its `option.loop_count` (decremented on every jump) is above 0;
`branch` takes `option.default_target_id` (no digits or variables are simulated); `stop`
ends the flow, and so does `hangup` on a call. A `next_id` or goto target that names no
action ends the walk (the service fails the step). At most `MAX_STEPS` actions run, like the
service's execute-count limit, so `next_id` cycles end too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .models import NIL_UUID, lenient_uuid
from .state import Action

MAX_STEPS = 100  # flow-manager maxActiveFlowExecuteCount


@dataclass
class Walk:
    """The actions visited (copies, options as they were when each ran) and why the walk stopped."""

    visited: list[Action] = field(default_factory=list)
    stopped_by: str = "end_of_flow"


def loop_count(option: dict[str, Any]) -> int:
    value = option.get("loop_count")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def walk(actions: list[Action], *, reference_type: str, max_steps: int = MAX_STEPS) -> Walk:
    result = Walk()
    position = {action["id"]: i for i, action in enumerate(actions)}
    loops: dict[str, int] = {}
    index: int | None = 0 if actions else None
    while index is not None:
        if len(result.visited) >= max_steps:
            result.stopped_by = "step_limit"
            break
        action = actions[index]
        option = dict(action.get("option") or {})
        kind = action.get("type", "")
        copy = cast(Action, {key: value for key, value in action.items() if key != "option"})
        remaining = 0
        if kind == "goto":
            remaining = loops.get(action["id"], loop_count(option))
            if option:
                option["loop_count"] = remaining
        if option:
            copy["option"] = option
        result.visited.append(copy)
        if kind == "stop" or (kind == "hangup" and reference_type == "call"):
            result.stopped_by = kind
            break
        jump = None
        if kind == "goto" and remaining > 0:
            jump = lenient_uuid(option.get("target_id"))
            loops[action["id"]] = remaining - 1
        elif kind == "branch" and lenient_uuid(option.get("default_target_id")) != NIL_UUID:
            jump = lenient_uuid(option.get("default_target_id"))
        elif action.get("next_id", NIL_UUID) != NIL_UUID:
            jump = action["next_id"]
        if jump is not None:
            if jump not in position:
                result.stopped_by = "unknown_action"
                break
            index = position[jump]
        else:
            index = index + 1 if index + 1 < len(actions) else None
    return result
