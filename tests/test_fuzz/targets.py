"""What the fuzzer needs to know about each provider: credentials, state, how objects are read back.

For every provider: the demo tenant's credentials (so cases reach past authentication), the
request bodies the stateful phase narrows so that creates succeed (taken from the state: the
inventory, the subscriptions, the E911 addresses), and one `Collection` per kind of object the
provider keeps in a tenant's state: how to GET one, how to list them all, and how its answer
maps onto the stored record (same-named keys, plus times stored as µs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Record = dict[str, Any]
Differ = Callable[[Record, Record, str], list[str]]  # (answer, stored, profile) → differences
Page = tuple[httpx.Response, list[Record]]


@dataclass(frozen=True)
class Collection:
    """One kind of object in a tenant's state, and how the API shows it."""

    name: str  # shown in reports
    records: Callable[[Record], dict[str, Record]]  # tenant state → {key: stored record}
    get_operation: str
    path: Callable[[str, Record], str]  # (key, record) → path under the provider's base URL
    live: Callable[[Record], bool] = lambda record: True  # False: GET answers `gone_status`
    gone_status: int = 404
    times: Mapping[str, str] = field(default_factory=dict)  # answer key → stored µs key
    precision_us: int = 1  # times on the wire are cut to this
    skip: frozenset[str] = frozenset()  # answer keys not compared by name
    differ: Differ | None = None  # anything the same-name rule cannot see
    list_operation: str | None = None
    pages: Callable[[httpx.Client], Iterator[Page]] | None = None  # every page of the list
    key_of: Callable[[Record], str] = lambda item: item["id"]  # a listed item's state key


@dataclass(frozen=True)
class Target:
    provider: str
    tenant: str
    check_options: dict[str, Any]  # credentials for telemock.contracts.kit.server_check.check_server
    client_options: dict[str, Any]  # the same, for an httpx.Client
    stateful_bodies: Callable[[Record], dict[str, dict[str, Any]]]  # provider state → body pins
    collections: tuple[Collection, ...]
    skip_checks: tuple[str, ...] = ()  # schemathesis checks that do not hold for this API, with the reason below
    # Operations that also get a stateful phase of their own: schemathesis starts its sequences
    # only from operations it expects to succeed when there are any, which can starve other roots.
    stateful_groups: tuple[frozenset[str], ...] = ()


# --- paging ------------------------------------------------------------------------------------

MAX_PAGES = 1000


def token_pages(path: str, items: str = "result") -> Callable[[httpx.Client], Iterator[Page]]:
    """VoIPBIN: `page_token` = the previous page's `next_page_token`, until a page is empty."""

    def pages(client: httpx.Client) -> Iterator[Page]:
        params: dict[str, Any] = {"page_size": 100}
        for _ in range(MAX_PAGES):
            response = client.get(path, params=params)
            found = response.json()[items] if response.status_code == 200 else []
            yield response, found
            if not found:
                return
            params["page_token"] = response.json()["next_page_token"]

    return pages


def cursor_pages(path: str) -> Callable[[httpx.Client], Iterator[Page]]:
    """Gigs: `after` = the previous page's `moreItemsAfter`, until it is null."""

    def pages(client: httpx.Client) -> Iterator[Page]:
        params: dict[str, Any] = {"limit": 200}
        for _ in range(MAX_PAGES):
            response = client.get(path, params=params)
            body = response.json() if response.status_code == 200 else {}
            yield response, body.get("items", [])
            if not body.get("moreItemsAfter"):
                return
            params["after"] = body["moreItemsAfter"]

    return pages


def link_pages(path: str) -> Callable[[httpx.Client], Iterator[Page]]:
    """SignalWire: follow `links.next` (a path with its query) until there is none."""

    def pages(client: httpx.Client) -> Iterator[Page]:
        url = f"{path}?page_size=1000"
        for _ in range(MAX_PAGES):
            response = client.get(url)
            body = response.json() if response.status_code == 200 else {}
            yield response, body.get("data", [])
            url = (body.get("links") or {}).get("next")
            if not url:
                return

    return pages


def uri_pages(path: str, items: str) -> Callable[[httpx.Client], Iterator[Page]]:
    """SignalWire's compatibility API: follow `next_page_uri` (a path with its query) until it is null."""

    def pages(client: httpx.Client) -> Iterator[Page]:
        url = f"{path}?PageSize=1000"
        for _ in range(MAX_PAGES):
            response = client.get(url)
            body = response.json() if response.status_code == 200 else {}
            yield response, body.get(items, [])
            url = body.get("next_page_uri")
            if not url:
                return

    return pages


def index_pages(path: str) -> Callable[[httpx.Client], Iterator[Page]]:
    """VoiceOS: `index` 1, 2, … while `has_more`."""

    def pages(client: httpx.Client) -> Iterator[Page]:
        for index in range(1, MAX_PAGES + 1):
            response = client.get(path, params={"index": index, "limit": 100})
            body = response.json() if response.status_code == 200 else {}
            yield response, body.get("items", [])
            if not body.get("has_more"):
                return

    return pages


# --- VoIPBIN -----------------------------------------------------------------------------------

VOIPBIN_TIMES = {k: k for k in ("tm_purchase", "tm_renew", "tm_create", "tm_update", "tm_delete")}
FLOW_TIMES = {k: k for k in ("tm_create", "tm_update", "tm_delete")}


def voipbin_number_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    if answer.get("metadata") != {"rtp_debug": stored["metadata"]["rtp_debug"]}:
        return [f"metadata: answered {answer.get('metadata')!r}, stored {stored['metadata']!r}"]
    return []


def voipbin_actions_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    """Actions render without an empty `type` or `option`; otherwise as stored."""
    shown = answer.get("actions" if "actions" in answer else "current_action")
    kept = stored.get("actions" if "actions" in answer else "current_action")
    if isinstance(kept, dict):
        shown, kept = [shown], [kept]
    if not isinstance(shown, list) or len(shown) != len(kept):
        return [f"actions: answered {shown!r}, stored {kept!r}"]
    problems = []
    for position, (a, s) in enumerate(zip(shown, kept)):
        wanted = {"id": s["id"], "next_id": s["next_id"]}
        if s.get("type"):
            wanted["type"] = s["type"]
        if s.get("option"):
            wanted["option"] = s["option"]
        got = {k: v for k, v in a.items() if k != "tm_execute"}
        if got != wanted:
            problems.append(f"actions/{position}: answered {got!r}, stored {wanted!r}")
    return problems


def voipbin_customer_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    """Empty strings are left out of the answer; `status` and the verification status are derived."""
    problems = []
    for key in ("name", "detail", "email", "phone_number", "address", "webhook_method", "webhook_uri"):
        if answer.get(key, "") != (stored.get(key) or ""):
            problems.append(f"{key}: answered {answer.get(key)!r}, stored {stored.get(key)!r}")
    if answer.get("status") != ("frozen" if stored.get("frozen") else "active"):
        problems.append(f"status: answered {answer.get('status')!r}, stored frozen={stored.get('frozen')!r}")
    return problems


NIL = "00000000-0000-0000-0000-000000000000"


def voipbin_pins(state: Record) -> dict[str, dict[str, Any]]:
    # Virtual numbers (free, never out of balance) or normal ones, all in the +899 range so that
    # both kinds pass the number checks; the tier limit and duplicates still answer 409. An update
    # names no flow or one of the tenant's flows (a random id is FLOW_NOT_FOUND).
    flows = {"enum": [NIL, *sorted(state["tenants"]["demo"]["flows"])]}
    return {
        "numbers_create": {"number": {"type": "string", "pattern": r"^\+899[1-9][0-9]{8}$"}},
        "numbers_update": {"call_flow_id": flows, "message_flow_id": flows},
    }


VOIPBIN = Target(
    provider="voipbin",
    tenant="demo",
    check_options={"query": {"accesskey": "voipbin_demo_accesskey"}},
    client_options={"params": {"accesskey": "voipbin_demo_accesskey"}},
    stateful_bodies=voipbin_pins,
    collections=(
        Collection(
            "numbers", lambda t: t["numbers"], "numbers_get", lambda key, _r: f"/v1.0/numbers/{key}",
            live=lambda r: r["tm_delete"] is None, times=VOIPBIN_TIMES, skip=frozenset({"metadata"}),
            differ=voipbin_number_differ, list_operation="numbers_list", pages=token_pages("/v1.0/numbers"),
        ),
        Collection(
            "flows", lambda t: {k: f for k, f in t["flows"].items() if f["type"] == "flow"}, "flows_get",
            lambda key, _r: f"/v1.0/flows/{key}", live=lambda r: r["tm_delete"] is None, times=FLOW_TIMES,
            skip=frozenset({"actions"}), differ=voipbin_actions_differ,
            list_operation="flows_list", pages=token_pages("/v1.0/flows"),
        ),
        Collection(
            "activeflows", lambda t: t["activeflows"], "activeflows_get", lambda key, _r: f"/v1.0/activeflows/{key}",
            live=lambda r: r["tm_delete"] is None, times=FLOW_TIMES,
            skip=frozenset({"current_action", "executed_actions", "webhook_uri", "webhook_method"}),
            differ=voipbin_actions_differ, list_operation="activeflows_list", pages=token_pages("/v1.0/activeflows"),
        ),
        Collection(
            "customer", lambda t: {t["customer"]["id"]: t["customer"]}, "customer_get", lambda _k, _r: "/v1.0/customer",
            times={"tm_create": "tm_create", "tm_update": "tm_update", "tm_deletion_scheduled": "deletion_scheduled_us"},
            skip=frozenset({"name", "detail", "email", "phone_number", "address", "webhook_method", "webhook_uri",
                            "status", "metadata", "tm_delete"}),
            differ=voipbin_customer_differ,
        ),
    ),
)


# --- SignalWire ---------------------------------------------------------------------------------

SIGNALWIRE_BASE = "/api/relay/rest"
SIGNALWIRE_TIMES = {"created_at": "created_us", "updated_at": "updated_us"}

# Unset strings production renders as "" (the observed profile's switches).
SIGNALWIRE_EMPTY_WHEN_UNSET = frozenset({
    "call_relay_topic", "call_relay_topic_status_callback_url", "call_relay_script_url", "call_relay_context",
    "call_relay_context_status_callback_url", "call_relay_application", "call_verto_resource",
    "message_relay_topic", "message_relay_context", "call_video_room_id", "call_status_callback_url",
})


def signalwire_unset_differ(answer: Record, stored: Record, profile: str) -> list[str]:
    """Unset configuration is null, or "" where the observed profile says production sends it."""
    problems = []
    for key in SIGNALWIRE_EMPTY_WHEN_UNSET:
        if stored.get(key) is None:
            allowed = (None, "") if profile == "observed" else (None,)
            if answer.get(key) not in allowed:
                problems.append(f"{key}: answered {answer.get(key)!r} for an unset value")
        elif answer.get(key) != stored[key]:
            problems.append(f"{key}: answered {answer.get(key)!r}, stored {stored[key]!r}")
    return problems


def signalwire_membership_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    shown = (answer.get("phone_number") or {}).get("id")
    return [] if shown == stored["phone_number_id"] else [f"phone_number.id: answered {shown!r}, stored {stored['phone_number_id']!r}"]


def signalwire_membership_pages(client: httpx.Client) -> Iterator[Page]:
    """Every live group's memberships: the groups are listed first (those pages are not judged here)."""
    groups = [group["id"] for _, page in link_pages(f"{SIGNALWIRE_BASE}/number_groups")(client) for group in page]
    for group_id in groups:
        yield from link_pages(f"{SIGNALWIRE_BASE}/number_groups/{group_id}/number_group_memberships")(client)


def signalwire_pins(state: Record) -> dict[str, dict[str, Any]]:
    tenant = state["tenants"]["demo"]
    inventory = {"enum": sorted(i["number"] for i in state["settings"]["inventory"])}
    return {
        "phone_numbers_purchase": {"number": inventory},
        "e911_address_assign": {"e911_address_id": {"enum": sorted(tenant["addresses"])}},
        "laml_incoming_phone_numbers_create": {"PhoneNumber": inventory},
    }


# The compatibility (LaML) API's view of a stored number: answer key → stored key, compared as they are.
SIGNALWIRE_PROJECT = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f"
LAML_ACCOUNT = f"/api/laml/2010-04-01/Accounts/{SIGNALWIRE_PROJECT}"
LAML_SAME = {"sid": "id", "phone_number": "number", "voice_application_sid": "call_laml_application_id",
             "sms_application_sid": "message_laml_application_id", "emergency_address_sid": "e911_address_id"}
LAML_METHODS = {"voice_method": "call_request_method", "voice_fallback_method": "call_fallback_method",
                "status_callback_method": "call_status_callback_method", "sms_method": "message_request_method",
                "sms_fallback_method": "message_fallback_method"}
LAML_URLS = {"voice_url": "call_request_url", "voice_fallback_url": "call_fallback_url",
             "status_callback": "call_status_callback_url", "sms_url": "message_request_url",
             "sms_fallback_url": "message_fallback_url"}
LAML_DATES = {"date_created": "created_us", "date_updated": "updated_us"}


def laml_view(number: Record) -> Record:
    """What the compatibility API must show for a stored number (URLs and dates: `laml_differ`)."""
    view = {key: number[stored] for key, stored in LAML_SAME.items()}
    view.update({key: number[stored] or "POST" for key, stored in LAML_METHODS.items()})
    if number["name"] is not None:  # a number without one shows its digits, formatted as the profile says
        view["friendly_name"] = number["name"]
    view["capabilities"] = {kind: kind in number["capabilities"] for kind in ("voice", "sms", "mms", "fax")}
    view["emergency_status"] = "Active" if number["e911_status"] == "active" else "Inactive"
    view["origin"] = "signalwire" if number["source"] == "purchased" else "hosted"
    view["country_code"] = number["country_code"] or ""
    view["account_sid"] = view["account_id"] = SIGNALWIRE_PROJECT
    return {**view, "stored": number}


def laml_differ(answer: Record, view: Record, profile: str) -> list[str]:
    """Unset URLs are null, or "" in the observed profile; dates are the stored times in RFC 2822."""
    from email.utils import parsedate_to_datetime

    stored, problems = view["stored"], []
    for key, field in LAML_URLS.items():
        allowed = (stored[field],) if stored[field] is not None else ((None, "") if profile == "observed" else (None,))
        if answer.get(key) not in allowed:
            problems.append(f"{key}: answered {answer.get(key)!r}, stored {stored[field]!r}")
    for key, field in LAML_DATES.items():
        shown = int(parsedate_to_datetime(answer[key]).timestamp()) if answer.get(key) else None
        if shown != stored[field] // 1_000_000:
            problems.append(f"{key}: answered {answer.get(key)!r}, stored {stored[field]} µs")
    return problems


SIGNALWIRE = Target(
    provider="signalwire",
    tenant="demo",
    check_options={"auth": (SIGNALWIRE_PROJECT, "PTdemo_token"), "path_parameters": {"AccountSid": SIGNALWIRE_PROJECT}},
    client_options={"auth": (SIGNALWIRE_PROJECT, "PTdemo_token")},
    stateful_bodies=signalwire_pins,
    collections=(
        Collection(
            "numbers", lambda t: t["numbers"], "phone_numbers_get",
            lambda key, _r: f"/api/relay/rest/phone_numbers/{key}", live=lambda r: r["released_us"] is None,
            times=SIGNALWIRE_TIMES, precision_us=1_000_000,
            skip=SIGNALWIRE_EMPTY_WHEN_UNSET | {"next_billed_at"}, differ=signalwire_unset_differ,
            list_operation="phone_numbers_list", pages=link_pages("/api/relay/rest/phone_numbers"),
        ),
        Collection(
            "addresses", lambda t: t["addresses"], "addresses_get", lambda key, _r: f"{SIGNALWIRE_BASE}/addresses/{key}",
            live=lambda r: r["deleted_us"] is None, times={"validated_at": "validated_us"}, precision_us=1_000_000,
            list_operation="addresses_list", pages=link_pages(f"{SIGNALWIRE_BASE}/addresses"),
        ),
        Collection(
            "number groups", lambda t: t["number_groups"], "number_groups_get",
            lambda key, _r: f"{SIGNALWIRE_BASE}/number_groups/{key}", live=lambda r: r["deleted_us"] is None,
            list_operation="number_groups_list", pages=link_pages(f"{SIGNALWIRE_BASE}/number_groups"),
        ),
        Collection(
            "memberships", lambda t: t["number_group_memberships"], "number_group_memberships_get",
            lambda key, _r: f"{SIGNALWIRE_BASE}/number_group_memberships/{key}", live=lambda r: r["deleted_us"] is None,
            times=SIGNALWIRE_TIMES, precision_us=1_000_000, differ=signalwire_membership_differ,
            list_operation="number_group_memberships_list", pages=signalwire_membership_pages,
        ),
        Collection(
            "numbers (compatibility API)", lambda t: {key: laml_view(n) for key, n in t["numbers"].items()},
            "laml_incoming_phone_numbers_get", lambda key, _r: f"{LAML_ACCOUNT}/IncomingPhoneNumbers/{key}",
            live=lambda r: r["stored"]["released_us"] is None, skip=frozenset(LAML_URLS) | frozenset(LAML_DATES),
            differ=laml_differ, list_operation="laml_incoming_phone_numbers_list",
            pages=uri_pages(f"{LAML_ACCOUNT}/IncomingPhoneNumbers", "incoming_phone_numbers"),
            key_of=lambda item: item["sid"],
        ),
    ),
    # The compatibility API's purchase names the account in its path (and application ids in its
    # body), which schemathesis takes for references no operation creates: next to the Relay REST
    # purchase it is never a sequence's first step, so its links get a phase of their own.
    stateful_groups=(
        frozenset(f"laml_incoming_phone_numbers_{action}" for action in ("create", "get", "update", "delete")),
    ),
)


# --- VoiceOS ------------------------------------------------------------------------------------


def voiceos_pins(state: Record) -> dict[str, dict[str, Any]]:
    # null buys any available number; a listed one buys it, or one this account deleted and kept.
    # A call goes out from one of the account's numbers (the link from a bought one sets it) with one
    # of its agents, to a dialable number.
    inventory = sorted(i["phone_number"] for i in state["settings"]["inventory"])
    demo = state["tenants"]["demo"]
    return {
        "phone_numbers_buy": {"phone_number": {"enum": [None, *inventory]}},
        "conversations_create_phone_call": {
            "from_number": {"enum": sorted(demo["numbers"])},
            "to_number": {"type": "string", "pattern": r"^\+1[2-9][0-9]{9}$"},
            "agent_id": {"enum": sorted(demo["agents"])},
            "agent_config": {"type": "null"},  # agent_id wins; a generated configuration only slows generation
        },
    }


def same_or_empty(answer: Any, stored: Any) -> bool:
    """Stored null renders as an empty list or object where the answer always has one."""
    return answer == stored or (stored is None and answer in ([], {}))


def voiceos_agent_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    return [
        f"{key}: answered {answer.get(key)!r}, stored {stored.get(key)!r}"
        for key in ("webhooks", "metadata")
        if key in stored and not same_or_empty(answer.get(key), stored[key])
    ]


VOICEOS_TIMES = {"created_at": "created_us", "updated_at": "updated_us"}

VOICEOS = Target(
    provider="voiceos",
    tenant="demo",
    check_options={"headers": {"Authorization": "Bearer voiceos_demo_key"}},
    client_options={"headers": {"Authorization": "Bearer voiceos_demo_key"}},
    stateful_bodies=voiceos_pins,
    collections=(
        Collection(
            "numbers", lambda t: t["numbers"], "phone_numbers_get", lambda key, _r: f"/phone_numbers/{key}",
            times=VOICEOS_TIMES, list_operation="phone_numbers_list", pages=index_pages("/phone_numbers"),
            key_of=lambda item: item["phone_number"],
        ),
        Collection(
            "agents", lambda t: t["agents"], "agents_get", lambda key, _r: f"/agents/{key}", times=VOICEOS_TIMES,
            skip=frozenset({"webhooks", "metadata"}), differ=voiceos_agent_differ,
            list_operation="agents_list", pages=index_pages("/agents"),
        ),
        Collection(
            "conversations", lambda t: t["conversations"], "conversations_get", lambda key, _r: f"/conversations/{key}",
            times={"started_at": "started_us", "ended_at": "ended_us"}, skip=frozenset({"agent_config"}),
            list_operation="conversations_list", pages=index_pages("/conversations"),
        ),
    ),
    # A phone number is its own key: after DELETE the account keeps it (or it returns to the
    # inventory), and buying it again re-creates it at the same path. schemathesis' use-after-free
    # check only knows re-creation by the same path, so it would call that read a stale one.
    skip_checks=("use_after_free",),
)


# --- Gigs ---------------------------------------------------------------------------------------

GIGS_TIMES = {"activatedAt": "activated_us", "canceledAt": "canceled_us", "createdAt": "created_us", "endedAt": "ended_us"}
GIGS_BASE = "/projects/demo"


def gigs_subscription_differ(answer: Record, stored: Record, _profile: str) -> list[str]:
    user = answer.get("user") or {}
    return [] if user.get("id") == stored["user"] else [f"user: answered {user.get('id')!r}, stored {stored['user']!r}"]


def gigs_pins(state: Record) -> dict[str, dict[str, Any]]:
    # Every subscription of the project: active ones take a number (201), ended ones answer 409.
    return {"virtual_numbers_create": {"subscription": {"enum": sorted(state["tenants"]["demo"]["subscriptions"])}}}


GIGS = Target(
    provider="gigs",
    tenant="demo",
    check_options={"headers": {"Authorization": "Bearer gigs_demo_key"}, "path_parameters": {"project": "demo"}},
    client_options={"headers": {"Authorization": "Bearer gigs_demo_key"}},
    stateful_bodies=gigs_pins,
    collections=(
        Collection(
            "virtual numbers", lambda t: t["virtual_numbers"], "virtual_numbers_get",
            lambda key, _r: f"{GIGS_BASE}/virtualNumbers/{key}", times=GIGS_TIMES, precision_us=1_000_000,
            list_operation="virtual_numbers_list", pages=cursor_pages(f"{GIGS_BASE}/virtualNumbers"),
        ),
        Collection(
            "subscriptions", lambda t: t["subscriptions"], "subscriptions_get",
            lambda key, _r: f"{GIGS_BASE}/subscriptions/{key}", times=GIGS_TIMES, precision_us=1_000_000,
            skip=frozenset({"user"}), differ=gigs_subscription_differ,
            list_operation="subscriptions_list", pages=cursor_pages(f"{GIGS_BASE}/subscriptions"),
        ),
        Collection(
            "users", lambda t: t["users"], "users_get", lambda key, _r: f"{GIGS_BASE}/users/{key}",
            times={"createdAt": "created_us"}, precision_us=1_000_000,
            list_operation="users_list", pages=cursor_pages(f"{GIGS_BASE}/users"),
        ),
    ),
)


TARGETS: dict[str, Target] = {t.provider: t for t in (VOIPBIN, SIGNALWIRE, VOICEOS, GIGS)}
