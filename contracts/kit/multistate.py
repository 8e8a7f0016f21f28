"""Stateful checks over every resource of a provider at once: numbers with their flows, numbers
with their agents, Gigs numbers with their cancel (an adapter's `actions`).

`check_client_state(provider, {"flows": Flows, "numbers": Numbers}, ...)` drives one adapter per
kind of resource through random interleaved sequences (`stateful.py` holds the operations and
checks each kind runs). A field of one kind may hold the id of another (`linked("flows")`): its
values are drawn from the ids the sequence holds, and when the linked resource is deleted the
model follows the provider (`on_delete="clear"`: the field falls back to the link's `none`).
After every step every kind is checked against the emulator's state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from .control import Control
from .deadline import DEFAULT_TIMEOUT
from .stateful import ResourceAdapter, ResourceSteps, reset_tenant, resolve_tenant


@dataclass(frozen=True)
class Link:
    """A field holding the id of a resource of another kind (a number's flow, its agent)."""

    kind: str
    none: Any = None
    on_delete: str = "keep"


def linked(kind: str, *, none: Any = None, on_delete: str = "keep") -> Link:
    """A field whose values are ids of `kind` held in the sequence (or `none`); `on_delete="clear"`
    when the provider sets the field back to `none` as the linked resource is deleted."""
    if on_delete not in ("keep", "clear"):
        raise ValueError("on_delete is 'keep' or 'clear'")
    return Link(kind, none, on_delete)


class Kind(ResourceSteps):
    """One kind of resource inside the machine: the steps name it (`numbers.create(...)`)."""

    def __init__(self, machine: ResourcesStateMachine, name: str, adapter: ResourceAdapter) -> None:
        self.machine = machine
        self.name = name
        self.adapter = adapter
        self.provider = machine.provider
        self.control = machine.control
        self.tenant = machine.tenant
        self.timeout = machine.timeout
        self.steps = machine.steps
        self._held = None
        self.operations = frozenset(type(adapter).implemented())
        self.compared = type(adapter).compared_fields()
        self.actions = sorted(type(adapter).actions)
        self.model = {rid: self._project(r) for rid, r in self._records().items()}

    def _log(self, text: str) -> None:
        self.steps.append(f"{self.name}.{text}")
        self.machine.forget()  # one kind's change may change another's (a deleted flow unlinks numbers)


class ResourcesStateMachine(RuleBasedStateMachine):
    """Rules that pick a kind, then an operation it implements; `resources_state_machine` binds it."""

    provider: ClassVar[str]
    tenant_name: ClassVar[str | None]
    control: ClassVar[Control]
    factories: ClassVar[Mapping[str, Callable[[], ResourceAdapter]]]
    timeout: ClassVar[float] = DEFAULT_TIMEOUT
    last_steps: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        self.tenant = resolve_tenant(self.control, self.provider, self.tenant_name)
        reset_tenant(self.control, self.provider, self.tenant)
        self.steps: list[str] = []
        type(self).last_steps = self.steps
        self.kinds: dict[str, Kind] = {}
        for name, factory in self.factories.items():
            adapter = ResourceSteps._call(self, f"the {name} adapter factory", factory)  # type: ignore[arg-type]
            self.kinds[name] = Kind(self, name, adapter)
        for kind in self.kinds.values():
            for field, value in kind.adapter.fields.items():
                if isinstance(value, Link) and value.kind not in self.kinds:
                    raise ValueError(f"{kind.name}.{field} links to {value.kind!r}, which is not among the kinds "
                                     f"({', '.join(self.kinds)})")

    def forget(self) -> None:
        for kind in self.kinds.values():
            kind._held = None

    def able(self, operation: str, with_ids: bool = False) -> list[str]:
        return [name for name, kind in self.kinds.items()
                if operation in kind.operations and (kind.model or not with_ids)]

    def values(self, kind: Kind) -> st.SearchStrategy[dict[str, Any]]:
        drawn = {}
        for field, value in kind.adapter.fields.items():
            if isinstance(value, Link):
                drawn[field] = st.sampled_from([value.none, *sorted(self.kinds[value.kind].model)])
            else:
                drawn[field] = value
        return st.fixed_dictionaries(drawn)

    def pick(self, data: st.DataObject, operation: str, with_ids: bool = False) -> Kind:
        return self.kinds[data.draw(st.sampled_from(self.able(operation, with_ids)), label="kind")]

    @precondition(lambda self: self.able("create"))
    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        kind = self.pick(data, "create")
        kind.do_create(data.draw(self.values(kind), label="values"))

    @precondition(lambda self: self.able("list"))
    @rule(data=st.data())
    def list_all(self, data: st.DataObject) -> None:
        self.pick(data, "list").do_list()

    @precondition(lambda self: self.able("get", with_ids=True))
    @rule(data=st.data())
    def get(self, data: st.DataObject) -> None:
        kind = self.pick(data, "get", with_ids=True)
        kind.do_get(data.draw(st.sampled_from(sorted(kind.model)), label="id"))

    @precondition(lambda self: self.able("update", with_ids=True))
    @rule(data=st.data())
    def update(self, data: st.DataObject) -> None:
        kind = self.pick(data, "update", with_ids=True)
        resource_id = data.draw(st.sampled_from(sorted(kind.model)), label="id")
        kind.do_update(resource_id, data.draw(self.values(kind), label="values"))

    @precondition(lambda self: self.able("delete", with_ids=True))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        kind = self.pick(data, "delete", with_ids=True)
        resource_id = data.draw(st.sampled_from(sorted(kind.model)), label="id")
        kind.do_delete(resource_id)
        self.unlink(kind.name, resource_id)

    @precondition(lambda self: self.acting())
    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        kind = self.kinds[data.draw(st.sampled_from(self.acting()), label="kind")]
        name = data.draw(st.sampled_from(kind.actions), label="action")
        kind.do_action(name, data.draw(st.sampled_from(sorted(kind.model)), label="id"))

    def acting(self) -> list[str]:
        """The kinds with an action and a resource to take it on."""
        return [name for name, kind in self.kinds.items() if kind.actions and kind.model]

    def unlink(self, deleted_kind: str, resource_id: str) -> None:
        """What the provider does to links to a deleted resource, in the model."""
        for kind in self.kinds.values():
            for field, value in kind.adapter.fields.items():
                if isinstance(value, Link) and value.kind == deleted_kind and value.on_delete == "clear":
                    for record in kind.model.values():
                        if record.get(field) == resource_id:
                            record[field] = value.none

    @invariant()
    def every_kind_holds_what_the_client_was_asked_to_do(self) -> None:
        for kind in self.kinds.values():
            kind.check_held()

    def teardown(self) -> None:
        for kind in getattr(self, "kinds", {}).values():
            kind._call(f"the {kind.name} adapter's close", kind.adapter.close)


def resources_state_machine(
    provider: str,
    factories: Mapping[str, Callable[[], ResourceAdapter]],
    *,
    control: Control,
    tenant: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> type[ResourcesStateMachine]:
    """A hypothesis state machine over several kinds of resource (one adapter factory per kind)."""
    if not factories:
        raise ValueError("name at least one kind of resource and its adapter factory")
    return type("ResourcesStateMachine", (ResourcesStateMachine,), {
        "provider": provider, "tenant_name": tenant, "control": control, "factories": dict(factories),
        "timeout": timeout,
    })
