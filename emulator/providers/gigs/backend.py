"""The Gigs backend: every project's state, the indexes derived from it, and every change to it.

Handlers check a request in Gigs' order (headers, path, query, body), then call these methods
and render what they return. Its parts: `lifecycle.py` moves virtual numbers through their
statuses (on timers, lazily on a read, or when asked), `seed.py` builds a project from its
fixture. Each change marks the project in the store first, so persistence writes exactly the
projects that changed; the indexes are derived from the state in `rebuild` and kept in step
by the changes made here.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar

from ...core.backend import Backend
from ...core.clock import MICROS
from ...core.fixtures import FixtureError
from ...core.ordering import CreationIndex, CursorPage
from . import events
from .events import Actor
from .errors import (
    Conflict,
    NotFound,
    SubscriptionNotActive,
    SubscriptionNotFound,
    UserNotFound,
    VirtualNumberNotFound,
)
from .fixtures import PROJECT_SLUG, ProjectFixture
from .lifecycle import TIMER_PREFIX, NumberLifecycle
from .models import SUBSCRIPTION_ID, USER_ID, VIRTUAL_NUMBER_ID, new_id, render_virtual_number, well_formed
from .params import Paging
from .seed import project_state
from .state import (
    COLLECTIONS,
    Collection,
    ProjectState,
    StoredResponse,
    Subscription,
    User,
    VirtualNumber,
    empty_project,
    new_subscription,
    new_user,
    new_virtual_number,
)

if TYPE_CHECKING:
    from .provider import GigsProvider

Item = TypeVar("Item", User, Subscription, VirtualNumber)
LIFECYCLE_RESOURCES = ("virtualNumber", "virtualNumbers", "virtual_number")
PRUNE_STORED_ABOVE = 512  # stored idempotent answers per project before expired ones are dropped
_rng = random.SystemRandom()


class GigsBackend(Backend[ProjectState]):
    """Gigs' projects (the tenants), their derived indexes and every change made to them."""

    provider: "GigsProvider"

    def __init__(self, provider: "GigsProvider") -> None:
        super().__init__(provider)
        self.key_projects: dict[str, str] = {}
        self.indexes: dict[tuple[str, Collection], CreationIndex] = {}
        self.phone_numbers: set[str] = set()  # every number in use, so none is assigned twice
        self.lifecycle = NumberLifecycle(self)

    @property
    def fraction(self) -> bool:
        """Whether times carry the `.0` fraction (the `timestamp_fraction` setting)."""
        return self.settings.timestamp_fraction

    # --- derived indexes -------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Key lookups, paging indexes, the numbers in use and the lifecycle timers, from the state."""
        self.key_projects.clear()
        self.indexes.clear()
        self.phone_numbers.clear()
        self.provider.runtime.timers.cancel_prefix(TIMER_PREFIX)
        for project, state in self.store.items():
            self._derive(project, state)  # type: ignore[arg-type]

    def _derive(self, project: str, state: ProjectState) -> None:
        """One project's share of the indexes and its timers: for each project on a rebuild, and for one just added."""
        for key in state["api_keys"]:
            self.key_projects[key] = project
        for collection in COLLECTIONS:
            items: Mapping[str, User | Subscription | VirtualNumber] = state[collection]
            self.indexes[(project, collection)] = CreationIndex((i["created_us"], i["id"]) for i in items.values())
        for number in state["virtual_numbers"].values():
            if number["phoneNumber"]:
                self.phone_numbers.add(number["phoneNumber"])
            self.lifecycle.schedule(project, number)

    # --- projects --------------------------------------------------------------------------------

    def project_of_key(self, token: str) -> str | None:
        return self.key_projects.get(token)

    def load_project(self, fixture: ProjectFixture, where: str) -> None:
        """Adds a project declared by a fixture (`where` names it in errors)."""
        if fixture.id in self.store:
            raise FixtureError(f"{where}.id: project {fixture.id!r} is declared twice")
        self._add_project(fixture.id, project_state(self, fixture, where))

    def auto_project(self, key: str, project: str) -> str | None:
        """With auto tenants, an unknown key on an unused project path creates that project, ready to use:
        a user with an active subscription to add virtual numbers to."""
        if not project or project in self.store or not re.match(PROJECT_SLUG, project):
            return None
        now = self.clock.stamp_us()
        user = new_user(new_id("usr_"), email=f"{project}@example.com", created_us=now)
        subscription = new_subscription(new_id("sub_"), user=user["id"], created_us=now, activated_us=now)
        state = empty_project(project)
        state["api_keys"][key] = {"id": new_id("apk_"), "expires_us": None}
        state["users"][user["id"]] = user
        state["subscriptions"][subscription["id"]] = subscription
        self._add_project(project, state)
        return project

    def _add_project(self, project: str, state: ProjectState) -> None:
        self.store.add(project, state)  # type: ignore[arg-type]  # marks the new project
        self._derive(project, state)

    # --- reads -----------------------------------------------------------------------------------

    def settle(self) -> None:
        """Applies every lifecycle step that virtual time has reached, so a read sees the current state."""
        self.provider.runtime.timers.run_due()

    @staticmethod
    def _find(items: Mapping[str, Item], pattern: re.Pattern[str], item_id: str, missing: type[NotFound]) -> Item:
        item = items.get(item_id) if well_formed(pattern, item_id) else None
        if item is None:
            raise missing()
        return item

    def virtual_number(self, project: str, number_id: str) -> VirtualNumber:
        return self._find(self.tenant(project)["virtual_numbers"], VIRTUAL_NUMBER_ID, number_id, VirtualNumberNotFound)

    def subscription(self, project: str, subscription_id: str) -> Subscription:
        return self._find(self.tenant(project)["subscriptions"], SUBSCRIPTION_ID, subscription_id, SubscriptionNotFound)

    def user(self, project: str, user_id: str) -> User:
        return self._find(self.tenant(project)["users"], USER_ID, user_id, UserNotFound)

    def _page(
        self, project: str, collection: Collection, items: Mapping[str, Item], paging: Paging, keep: Callable[[Item], bool] | None
    ) -> tuple[list[Item], CursorPage]:
        """A page newest first of the items `keep` accepts (all without it), and its cursors."""
        index = self.indexes[(project, collection)]
        if keep is None:
            page = index.cursor_page(paging.limit, after=paging.after, before=paging.before)
        else:
            page = index.cursor_page(paging.limit, lambda item_id: keep(items[item_id]), paging.after, paging.before)
        return [items[i] for i in page.ids], page

    def list_virtual_numbers(
        self,
        project: str,
        paging: Paging,
        *,
        subscriptions: set[str] | None,
        users: set[str] | None,
        statuses: set[str] | None,
    ) -> tuple[list[VirtualNumber], CursorPage]:
        """Each filter, when given, keeps the numbers whose value is one of its items."""

        def keep(number: VirtualNumber) -> bool:
            return (
                (subscriptions is None or number["subscription"] in subscriptions)
                and (users is None or number["user"] in users)
                and (statuses is None or number["status"] in statuses)
            )

        return self._page(project, "virtual_numbers", self.tenant(project)["virtual_numbers"], paging, keep)

    def list_subscriptions(self, project: str, paging: Paging, *, user: str | None) -> tuple[list[Subscription], CursorPage]:
        keep = None if user is None else (lambda subscription: subscription["user"] == user)
        return self._page(project, "subscriptions", self.tenant(project)["subscriptions"], paging, keep)

    def list_users(self, project: str, paging: Paging) -> tuple[list[User], CursorPage]:
        return self._page(project, "users", self.tenant(project)["users"], paging, None)

    # --- virtual numbers -------------------------------------------------------------------------

    def create_virtual_number(self, project: str, subscription_id: str, actor: Actor) -> VirtualNumber:
        """A new `initiated` number of an active subscription; its later steps are planned and timed."""
        subscription = self.subscription(project, subscription_id)
        if subscription["status"] != "active":
            raise SubscriptionNotActive(subscription["status"])
        now = self.clock.stamp_us()
        number = new_virtual_number(new_id("vnr_"), subscription=subscription, created_us=now)
        self.lifecycle.plan(number, now)
        self.changing(project)["virtual_numbers"][number["id"]] = number
        self.indexes[(project, "virtual_numbers")].add(now, number["id"])
        events.publish(self, project, "created", render_virtual_number(number, self.fraction), actor=actor, at_us=now)
        self.lifecycle.schedule(project, number)
        return number

    def cancel_virtual_number(self, project: str, number_id: str, actor: Actor) -> VirtualNumber:
        number = self.virtual_number(project, number_id)
        self.lifecycle.cancel(project, number, self.clock.stamp_us(), actor)
        return number

    def transition(self, project: str, resource: str, number_id: str, to: str) -> VirtualNumber:
        """The control API's step: LookupError for what does not exist, ValueError for a step the status forbids."""
        self.settle()
        state = self.store.get(project)
        if state is None:
            raise LookupError(f"gigs has no project {project!r}")
        if resource not in LIFECYCLE_RESOURCES:
            raise LookupError(f"gigs resources with a lifecycle: virtualNumber (not {resource!r})")
        number: VirtualNumber | None = state["virtual_numbers"].get(number_id)
        if number is None:
            raise LookupError(f"project {project!r} has no virtual number {number_id!r}")
        try:
            self.lifecycle.force(project, number, to)
        except Conflict as exc:
            raise ValueError(exc.message) from None
        return number

    def assign_phone_number(self) -> str:
        """A random unused number: the configured prefix plus random digits."""
        prefix = self.settings.phone_number_prefix
        digits = max(1, self.settings.phone_number_length - len(prefix))
        for _ in range(1000):
            candidate = prefix + str(_rng.randrange(10**digits)).zfill(digits)  # one draw, not one per digit
            if candidate not in self.phone_numbers:
                self.phone_numbers.add(candidate)
                return candidate
        raise RuntimeError("no unused phone number left for the configured prefix")

    # --- idempotency keys ------------------------------------------------------------------------

    def replay(self, project: str, key: str | None) -> StoredResponse | None:
        """The stored answer for `key` while it is fresh; an expired one is dropped."""
        if key is None:
            return None
        stored = self.tenant(project)["idempotency"].get(key)
        if stored is None:
            return None
        if stored["expires_us"] <= self.clock.now_us():
            del self.changing(project)["idempotency"][key]
            return None
        return stored

    def remember(self, project: str, key: str | None, status: int, body: Any) -> None:
        """Stores a successful answer for `key`; failures are not stored, so the key may be retried."""
        if key is None or status >= 400:
            return
        now = self.clock.now_us()
        entries = self.changing(project)["idempotency"]
        if len(entries) >= PRUNE_STORED_ABOVE:
            for old in [k for k, v in entries.items() if v["expires_us"] <= now]:
                del entries[old]
        entries[key] = {
            "expires_us": now + round(self.settings.idempotency_ttl_seconds * MICROS),
            "status": status,
            "body": body,
        }
