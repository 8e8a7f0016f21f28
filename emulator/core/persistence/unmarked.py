"""TRANSITION — what a change may have reached without marking its tenant. Delete once every
provider's backend marks the tenants it changes (`Backend.changing` / `TenantStore.mark`).

Persistence writes the tenants the stores record as touched. Until every provider marks its
changes, it also diffs what the rule it used before guessed:
- a provider request that may write (not GET/HEAD/OPTIONS): the tenant it named with
  `set_tenant`, or every tenant of the provider if it named none;
- a provider read that named a tenant and stamped a write on the clock or queued a webhook:
  that tenant;
- timer work, and control-API requests that may write: every tenant of every provider.
The guess costs a diff of those tenants against the file; the file only receives what differs.

To delete: this module; in `layer.py` the `clock_mark` taken when a request starts and passed
to `after_request`; in `state_file.py` that parameter of `after_request`, the two calls of
`unmarked_changes` (`after_request`, `after_timers`), and the `unmarked` parameter of `flush`
with `NOTHING`, `NONE` and `extra`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import Scope

from ..exchange import tenant_of
from ..http import SAFE_METHODS

if TYPE_CHECKING:
    from ..runtime import Runtime

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
