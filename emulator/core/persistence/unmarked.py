"""TRANSITION — what a change may have reached without marking its tenant. Delete once every
provider's backend marks the tenants it changes (`Backend.changing` / `TenantStore.mark`).

Persistence writes the tenants the stores record as touched. Until every provider marks its
changes, it also writes what the rule it used before guessed: for a provider request, the
tenant the request named (`set_tenant`) when the method may write, or when a read stamped a
write on the clock or queued a webhook (every tenant of the provider when the request named
none); for timer work and for control-API requests that may write, every tenant. The guess
costs a diff of those tenants against the file; the file only receives what differs.

To delete: this module; `clock_mark` and its argument in `layer.py`; the `unmarked` argument of
`Persistence.flush` and the two calls of `unmarked_changes` in `state_file.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import Scope

from ..exchange import tenant_of

if TYPE_CHECKING:
    from ..runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Unmarked = dict[str, "set[str] | None"]  # provider -> tenants to diff (None: all of them)


def clock_mark(runtime: "Runtime") -> int:
    """The clock's last write stamp when a request starts: a read that moves it wrote something."""
    return runtime.clock.last_stamp_us


def unmarked_changes(
    runtime: "Runtime", provider: str | None, scope: Scope | None, mark: int | None, outbox_quiet: bool
) -> Unmarked:
    """The tenants to diff besides the marked ones: `provider` None is the control API, `scope`
    None is timer work."""
    if scope is None or (provider is None and scope["method"] not in SAFE_METHODS):
        return {name: None for name in runtime.providers}
    if provider is None:
        return {}
    tenant = tenant_of(scope)
    if scope["method"] in SAFE_METHODS and (tenant is None or (outbox_quiet and mark == clock_mark(runtime))):
        return {}
    return {provider: None if tenant is None else {tenant}}
