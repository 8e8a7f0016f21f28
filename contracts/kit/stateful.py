"""Stateful checks of a user's client: random sequences of operations, checked against the emulator.

A user connects their client to the state machine with a small `ResourceAdapter`: how the client
creates, lists, gets, updates and deletes one kind of resource, and where that resource lives in
the emulator's state (read through the control API). Hypothesis then drives the client through
random sequences and, after every step, checks that

- the emulator holds what the client was asked to do (created values, updated values, deletions,
  and the `kept` fields left alone), and
- what the client reports (`get`, `list`, and objects returned by `create`/`update`) is what the
  emulator holds.

A divergence is shrunk to a minimal sequence and raised as `StatefulCheckError`, with the steps.
Every call of the adapter has a deadline: one that does not return (a pager that never stops, a
blocking call) ends the run at once, reported with the steps so far and the requests it made.
Nothing here knows a provider: the adapter maps the client and the provider's state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .checks import kit_settings
from .control import Control, last_seq, requests_since
from .deadline import DEFAULT_TIMEOUT, DidNotReturn, StopCheck, call_with_deadline

OPERATIONS = ("create", "list", "get", "update", "delete")
MAX_SHOWN = 100


@dataclass(frozen=True)
class Action:
    """An operation on one resource beyond the five (a Gigs cancel), drawn among them.

    The adapter has a method of the action's name, called with the resource id: it returns the
    client's object (or True) when the provider accepted the action, None when it refused it.
    `effect` is the provider's rule: given the resource as the model holds it (the `compared`
    fields), the fields the action sets, or None where the provider refuses it from that state.
    `changes` are fields the action changes that create and update do not set (compared too).
    """

    operation_id: str
    effect: Callable[[Mapping[str, Any]], Mapping[str, Any] | None]
    changes: tuple[str, ...] = ()


def action(operation_id: str, effect: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
           *, changes: Iterable[str] = ()) -> Action:
    """Declare an action in an adapter's `actions` (`{"cancel": action("virtual_numbers_cancel", ...)}`)."""
    return Action(operation_id, effect, tuple(changes))


class ResourceAdapter:
    """Subclass it to connect your client to `client_state_machine`. One instance per sequence.

    Values and records use the provider's field names (as the emulator's state and the wire
    do): `create(values)` and `update(id, values)` receive a dict of the `fields` drawn by
    hypothesis and call your client with them; `from_client` turns whatever your client returns
    into such a dict. Implement only the operations your client has; the others are left out.
    """

    key: ClassVar[str] = "id"
    fields: ClassVar[Mapping[str, st.SearchStrategy[Any]]] = {}
    """The writable fields and how to draw their values (used by create and update)."""
    kept: ClassVar[tuple[str, ...]] = ()
    """Fields no operation of the client should change (e.g. flows an update must carry over)."""
    actions: ClassVar[Mapping[str, Action]] = {}
    """Further operations on one resource, by the name of the adapter's method (see `action`)."""

    def create(self, values: dict[str, Any]) -> Any:
        """Create through the client. Return the new id, or the client's object; None if refused."""
        raise NotImplementedError

    def list(self) -> Iterable[Any]:
        """Every resource as the client lists them (all pages)."""
        raise NotImplementedError

    def get(self, resource_id: str) -> Any:
        """One resource as the client reads it."""
        raise NotImplementedError

    def update(self, resource_id: str, values: dict[str, Any]) -> Any:
        """Set `values` through the client. Return the client's object, or None."""
        raise NotImplementedError

    def delete(self, resource_id: str) -> Any:
        """Delete through the client."""
        raise NotImplementedError

    def records(self, tenant_state: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
        """The live resources in the emulator's state of the tenant, by id (deleted ones left out)."""
        raise NotImplementedError

    def from_client(self, obj: Any) -> Mapping[str, Any]:
        """The client's object as a dict of provider field names (default: it already is one)."""
        if isinstance(obj, Mapping):
            return obj
        if hasattr(obj, "__dict__"):
            return vars(obj)
        raise TypeError(f"override from_client to read {type(obj).__name__} objects")

    def close(self) -> None:
        """Release the client (called after every sequence)."""

    @classmethod
    def implemented(cls) -> tuple[str, ...]:
        """The operations the adapter has, then its actions."""
        for name in cls.actions:
            if not callable(getattr(cls, name, None)) or name in OPERATIONS:
                raise ValueError(f"{cls.__name__} declares the action {name!r} but has no method {name}(resource_id)"
                                 if name not in OPERATIONS else f"{cls.__name__}: {name!r} is an operation, not an action")
        own = tuple(op for op in OPERATIONS if getattr(cls, op) is not getattr(ResourceAdapter, op))
        return own + tuple(cls.actions)

    @classmethod
    def compared_fields(cls) -> tuple[str, ...]:
        """What is compared between the model, the client and the emulator: fields, kept, changed by actions."""
        changed = (name for act in cls.actions.values() for name in act.changes)
        return tuple(dict.fromkeys((*cls.fields, *cls.kept, *changed)))


class StateMismatch(AssertionError):
    """One check after a step failed: what the client or the emulator says, against what it should."""


class StatefulCheckError(AssertionError):
    """The client and the emulator diverged; carries the minimal sequence that shows it."""

    def __init__(self, steps: list[str], cause: BaseException) -> None:
        self.steps = steps
        self.cause = cause
        numbered = "\n".join(f"  {i}. {step}" for i, step in enumerate(steps, 1)) or "  (before any step)"
        first = cause
        while isinstance(first, BaseExceptionGroup) and first.exceptions:
            first = first.exceptions[0]
        if isinstance(first, (StateMismatch, DidNotReturn)):
            what = str(first)
        else:
            what = f"the client raised {type(first).__name__}: {first}"
        if first is not cause:
            what += "\n(flaky: the same sequence did not fail again when it was replayed)"
        super().__init__(
            f"the client and the emulator diverged after {len(steps)} step{'s' if len(steps) != 1 else ''} "
            f"(shrunk to a minimal sequence):\n{numbered}\n{what}"
        )


def client_state_machine(
    provider: str,
    adapter_factory: Callable[[], ResourceAdapter],
    *,
    control: Control,
    tenant: str | None = None,
    rules: Collection[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> type[ClientStateMachine]:
    """A hypothesis state machine driving the adapter's client against the emulator behind `control`.

    Every sequence starts from the tenant's fixtures (the tenant is reset) with a fresh adapter
    from `adapter_factory`. `tenant` defaults to the provider's only tenant. `rules` limits the
    operations used (default: all the adapter implements, its actions included). Each call of the adapter may take
    `timeout` seconds; one that takes longer raises `StopCheck` (its `cause` is `DidNotReturn`).
    Run it with
    `run_state_machine_as_test`, or use `check_client_state`, which also reports the shrunk
    sequence readably.
    """
    name = getattr(adapter_factory, "__name__", "Client")
    return type(
        f"{name}StateMachine",
        (ClientStateMachine,),
        {
            "provider": provider,
            "tenant_name": tenant,
            "control": control,
            "adapter_factory": staticmethod(adapter_factory),
            "rules_wanted": tuple(rules) if rules is not None else None,
            "timeout": timeout,
        },
    )


def reset_tenant(control: Control, provider: str, tenant: str) -> None:
    """Back to the tenant's fixtures. A tenant a server creates on its first request (an auto
    tenant) may not exist yet: then there is nothing to reset."""
    try:
        control.reset(provider, tenant)
    except LookupError:
        if not getattr(control, "auto_tenants", False):
            raise


def tenant_of(state: Mapping[str, Any], control: Control, provider: str, name: str | None) -> str:
    """The tenant a sequence works in: the one named, or the provider's only one."""
    tenants = state["providers"][provider]["tenants"]
    if name is not None:
        if name not in tenants and not getattr(control, "auto_tenants", False):
            raise LookupError(f"{provider} has no tenant {name!r} (it has {', '.join(tenants)})")
        return name
    if len(tenants) != 1:
        raise LookupError(f"{provider} has {len(tenants)} tenants ({', '.join(tenants)}); name one with tenant=")
    return next(iter(tenants))


def resolve_tenant(control: Control, provider: str, name: str | None) -> str:
    return tenant_of(control.state(), control, provider, name)


class ResourceSteps:
    """One kind of resource under a state machine: its adapter, the model of what the client was
    asked to do, and the operations and checks. The machine provides `provider`, `control`,
    `tenant`, `timeout` and the shared `steps`; the resource holds `adapter`, `model`, `compared`
    and `_held` (the emulator's records, read once per step)."""

    provider: str
    control: Control
    tenant: str
    timeout: float
    adapter: ResourceAdapter
    model: dict[str, dict[str, Any]]
    compared: tuple[str, ...]
    steps: list[str]
    _held: dict[str, Mapping[str, Any]] | None

    def _call(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        before = last_seq(self.control)
        try:
            return call_with_deadline(fn, *args, seconds=self.timeout, what=what)
        except DidNotReturn as exc:
            raise StopCheck(exc.with_requests(requests_since(self.control, before, self.provider))) from None

    def _records(self) -> dict[str, Mapping[str, Any]]:
        if self._held is None:
            tenant_state = self.control.state()["providers"][self.provider]["tenants"].get(self.tenant)
            records = self.adapter.records(tenant_state) if tenant_state is not None else {}  # an auto tenant not made yet
            self._held = {str(rid): record for rid, record in records.items()}
        return self._held

    def _project(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {name: obj.get(name, "(absent)") for name in self.compared}

    def _client_view(self, obj: Any) -> tuple[str, dict[str, Any]]:
        mapped = self.adapter.from_client(obj)
        return str(mapped.get(self.adapter.key)), self._project(mapped)

    def _log(self, text: str) -> None:
        """Record the step; the client is about to act, so the emulator's state must be read again."""
        self.steps.append(text)
        self._held = None

    def do_create(self, values: dict[str, Any]) -> Any:
        self._log(f"create({shown(values)})")
        result = self._call("the client (create)", self.adapter.create, dict(values))
        if result is None:
            self.steps[-1] += " → refused"
            return multiple()
        if isinstance(result, (str, int)):
            resource_id, view = str(result), None
        else:
            resource_id, view = self._client_view(result)
        self.steps[-1] += f" → {shown(resource_id)}"
        records = self._records()
        if resource_id not in records:
            raise StateMismatch(f"create returned id {shown(resource_id)}, which the emulator does not hold")
        record = self._project(records[resource_id])
        self.model[resource_id] = {**record, **values}
        if view is not None:
            self._expect_same(view, record, f"the object create returned ({shown(resource_id)})")
        return resource_id

    def do_list(self) -> None:
        self._log("list()")
        listed: dict[str, dict[str, Any]] = {}
        for obj in self._call("the client (list)", lambda: list(self.adapter.list())):
            resource_id, view = self._client_view(obj)
            listed[resource_id] = view
        self.steps[-1] += f" → {len(listed)} item{'s' if len(listed) != 1 else ''}"
        held = {rid: self._project(r) for rid, r in self._records().items()}
        problems = []
        for rid in sorted(set(listed) - set(held)):
            problems.append(f"{shown(rid)}: listed by the client, but the emulator holds no such live resource")
        for rid in sorted(set(held) - set(listed)):
            problems.append(f"{shown(rid)}: held by the emulator, missing from the client's list")
        for rid in sorted(set(listed) & set(held)):
            problems += [f"{shown(rid)}: {line}" for line in differences(listed[rid], held[rid])]
        if problems:
            raise StateMismatch("the client's list differs from the emulator's state:\n" + bullet(problems))

    def do_get(self, resource_id: str) -> None:
        self._log(f"get({shown(resource_id)})")
        _, view = self._client_view(self._call("the client (get)", self.adapter.get, resource_id))
        held = self._records().get(resource_id)
        if held is None:
            raise StateMismatch(f"the emulator holds no live {shown(resource_id)}, but the machine expected it")
        self._expect_same(view, self._project(held), f"the client's get({shown(resource_id)})")

    def do_update(self, resource_id: str, values: dict[str, Any]) -> None:
        self._log(f"update({shown(resource_id)}, {shown(values)})")
        result = self._call("the client (update)", self.adapter.update, resource_id, dict(values))
        self.model[resource_id] = {**self.model[resource_id], **values}
        if result is not None:
            self._expect_returned(result, resource_id, "update")

    def _expect_returned(self, result: Any, resource_id: str, operation: str) -> None:
        """The object an operation returned shows what the emulator now holds."""
        _, view = self._client_view(result)
        held = self._records().get(resource_id)
        if held is not None:
            self._expect_same(view, self._project(held), f"the object {operation} returned ({shown(resource_id)})")

    def do_delete(self, resource_id: str) -> None:
        self._log(f"delete({shown(resource_id)})")
        self._call("the client (delete)", self.adapter.delete, resource_id)
        self.model.pop(resource_id, None)

    def do_action(self, name: str, resource_id: str) -> None:
        """The action through the client; the model follows the provider's rule for the resource's state."""
        declared = self.adapter.actions[name]
        self._log(f"{name}({shown(resource_id)})")
        expected = declared.effect(dict(self.model[resource_id]))
        result = self._call(f"the client ({name})", getattr(self.adapter, name), resource_id)
        if expected is None:
            self.steps[-1] += " → refused"
            if result is not None:
                raise StateMismatch(f"{declared.operation_id} is refused from the state the model holds "
                                    f"({shown(self.model[resource_id])}), but the client's {name} reported it done")
            return
        if result is None:
            raise StateMismatch(f"the client's {name} reported {declared.operation_id} refused, but the provider "
                                f"accepts it from the state the model holds ({shown(self.model[resource_id])})")
        self.model[resource_id] = {**self.model[resource_id], **expected}
        if result is not True:
            self._expect_returned(result, resource_id, name)

    def _expect_same(self, client: dict[str, Any], emulator: dict[str, Any], what: str) -> None:
        found = differences(client, emulator)
        if found:
            raise StateMismatch(f"{what} differs from the emulator's state:\n" + bullet(found, "client says", "emulator holds"))

    def check_held(self) -> None:
        """The emulator holds what the client was asked to do: created, updated, deleted, kept."""
        held = {rid: self._project(r) for rid, r in self._records().items()}
        problems = []
        for rid in sorted(set(self.model) - set(held)):
            problems.append(f"{shown(rid)}: should exist, but the emulator holds no live resource with this id")
        for rid in sorted(set(held) - set(self.model)):
            problems.append(f"{shown(rid)}: should be gone (or never created), but the emulator holds it")
        for rid in sorted(set(held) & set(self.model)):
            problems += [
                f"{shown(rid)}: {line}"
                for line in differences(self.model[rid], held[rid], "asked for", "emulator holds")
            ]
        if problems:
            raise StateMismatch("the emulator's state is not what the client was asked to do:\n" + bullet(problems))


class ClientStateMachine(ResourceSteps, RuleBasedStateMachine):
    """The rules and the checks; `client_state_machine` binds a provider, a tenant and an adapter.

    A rule runs only if the adapter implements its operation (and `rules` asked for it).
    """

    provider: ClassVar[str]
    tenant_name: ClassVar[str | None]
    control: ClassVar[Control]
    adapter_factory: ClassVar[Any]  # Callable[[], ResourceAdapter], stored as a staticmethod
    rules_wanted: ClassVar[tuple[str, ...] | None] = None
    timeout: ClassVar[float] = DEFAULT_TIMEOUT
    resolved_tenant: ClassVar[str | None] = None
    last_steps: ClassVar[list[str]] = []
    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        tenant = cls.__dict__.get("resolved_tenant")
        if tenant is None:  # looked up once per machine class
            tenant = cls.resolved_tenant = self._tenant(self.control.state())
        self.tenant: str = tenant
        self._reset_tenant()
        self._held: dict[str, Mapping[str, Any]] | None = None  # the emulator's records, read once per step
        self.adapter = self._call("the adapter factory", self.adapter_factory)
        self.steps: list[str] = []
        type(self).last_steps = self.steps
        declared = (*OPERATIONS, *getattr(self.adapter, "actions", {}))
        unknown = set(self.rules_wanted or ()) - set(declared)
        if unknown:
            raise ValueError(f"unknown operation(s) {', '.join(sorted(unknown))} (known: {', '.join(declared)})")
        implemented = type(self.adapter).implemented()
        wanted = self.rules_wanted if self.rules_wanted is not None else declared
        self.operations = frozenset(op for op in wanted if op in implemented)
        if not self.operations:
            raise ValueError(
                f"{type(self.adapter).__name__} implements none of the operations asked for "
                f"({', '.join(wanted)}); it implements {', '.join(implemented) or 'none'}"
            )
        self.compared = type(self.adapter).compared_fields()
        self.actions = sorted(op for op in self.operations if op not in OPERATIONS)
        self.model: dict[str, dict[str, Any]] = {rid: self._project(r) for rid, r in self._records().items()}

    def _reset_tenant(self) -> None:
        reset_tenant(self.control, self.provider, self.tenant)

    # --- reading the emulator -----------------------------------------------------------------

    def _tenant(self, state: Mapping[str, Any]) -> str:
        return tenant_of(state, self.control, self.provider, self.tenant_name)

    # --- the rules --------------------------------------------------------------------------

    @initialize(target=ids)
    def existing(self) -> Any:
        return multiple(*sorted(self.model))

    @precondition(lambda self: "create" in self.operations)
    @rule(target=ids, data=st.data())
    def create(self, data: st.DataObject) -> Any:
        return self.do_create(data.draw(self._values(), label="values"))

    @precondition(lambda self: "list" in self.operations)
    @rule()
    def list_all(self) -> None:
        self.do_list()

    @precondition(lambda self: "get" in self.operations)
    @rule(resource_id=ids)
    def get(self, resource_id: str) -> None:
        self.do_get(resource_id)

    @precondition(lambda self: "update" in self.operations)
    @rule(resource_id=ids, data=st.data())
    def update(self, resource_id: str, data: st.DataObject) -> None:
        self.do_update(resource_id, data.draw(self._values(), label="values"))

    @precondition(lambda self: "delete" in self.operations)
    @rule(resource_id=consumes(ids))
    def delete(self, resource_id: str) -> None:
        self.do_delete(resource_id)

    @precondition(lambda self: self.actions)
    @rule(resource_id=ids, data=st.data())
    def act(self, resource_id: str, data: st.DataObject) -> None:
        self.do_action(data.draw(st.sampled_from(self.actions), label="action"), resource_id)

    def _values(self) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(dict(self.adapter.fields))

    # --- after every step ---------------------------------------------------------------------

    @invariant()
    def emulator_holds_what_the_client_was_asked_to_do(self) -> None:
        self.check_held()

    def teardown(self) -> None:
        if hasattr(self, "adapter"):
            self._call("the adapter's close", self.adapter.close)


def check_client_state(
    provider: str,
    adapter_factory: Callable[[], ResourceAdapter] | Mapping[str, Callable[[], ResourceAdapter]],
    *,
    control: Control,
    tenant: str | None = None,
    rules: Collection[str] | None = None,
    max_examples: int = 25,
    steps: int = 10,
    seed: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Run the state machine; raise `StatefulCheckError` with the minimal failing sequence (or, for
    a call that did not return within `timeout` seconds, the sequence up to it, not shrunk).

    `adapter_factory` may map kinds of resource to their adapter factories
    (`{"flows": Flows, "numbers": Numbers}`): the sequences then interleave every kind
    (`multistate.py`; `rules` does not apply there)."""
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import FlakyFailure, HypothesisException
    from hypothesis.reporting import with_reporter

    machine: Any
    if isinstance(adapter_factory, Mapping):
        from .multistate import resources_state_machine

        machine = resources_state_machine(provider, adapter_factory, control=control, tenant=tenant, timeout=timeout)
    else:
        machine = client_state_machine(provider, adapter_factory, control=control, tenant=tenant, rules=rules,
                                       timeout=timeout)
    if seed is not None:
        machine = hypothesis_seed(seed)(machine)
    config = kit_settings(max_examples, stateful_step_count=steps)
    try:
        with with_reporter(lambda _text: None):  # the steps are reported in the error instead
            run_state_machine_as_test(machine, settings=config)
    except StopCheck as stop:
        raise StatefulCheckError(list(machine.last_steps), stop.cause) from None
    except Exception as exc:
        if isinstance(exc, HypothesisException) and not isinstance(exc, FlakyFailure):
            raise  # a problem of the setup (e.g. an adapter's `fields` that are not strategies)
        if isinstance(exc, (LookupError, ValueError)) and not machine.last_steps and not isinstance(exc, StateMismatch):
            raise  # the machine could not start: an unknown tenant, nothing to run
        raise StatefulCheckError(list(machine.last_steps), exc) from exc


# --- rendering -------------------------------------------------------------------------------


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def differences(
    got: Mapping[str, Any], want: Mapping[str, Any], got_label: str = "client says", want_label: str = "emulator holds"
) -> list[str]:
    return [
        f"{name}: {got_label} {shown(got.get(name))}, {want_label} {shown(want.get(name))}"
        for name in want
        if got.get(name) != want.get(name)
    ]


def bullet(lines: list[str], *_: str) -> str:
    return "\n".join(f"  - {line}" for line in lines)
