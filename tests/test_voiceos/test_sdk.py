"""The official `voiceos` Python SDK, unchanged but for `configuration.host`, against the emulator."""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest

voiceos = pytest.importorskip("voiceos", reason="the official VoiceOS SDK (PyPI `voiceos`) is a test dependency")
# The SDK's own models warn about their anyOf wrappers whenever they are serialized.
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")

from voiceos import ApiException, Configuration  # noqa: E402
from voiceos.client import VoiceOS  # noqa: E402
from voiceos.models import BuyPhoneNumber, PhoneNumberWebhook, UpdatePhoneNumber  # noqa: E402
from voiceos.api import AgentsApi, ConversationsApi, DefaultApi, PhoneNumbersApi  # noqa: E402
from test_voiceos.demo import (  # noqa: E402
    DEMO_KEY,
    ENDED_CALL,
    FRONT_DESK,
    IMPORTED,
    NO_AGENT,
    SALES,
    WITH_WEBHOOK,
    admin_client,
)

from telemock.emulator import Config  # noqa: E402
from telemock.emulator.providers.voiceos.profiles import PROFILES  # noqa: E402


def sdk_for(live: Any) -> VoiceOS:
    client = VoiceOS(DEMO_KEY)
    client.configuration.host = f"{live.url}/voiceos"
    return client


@pytest.fixture
def sdk(server) -> VoiceOS:
    return sdk_for(server)


# --- every read of the SDK on the bundled fixtures, in every profile ---------------------------------


def sdk_reads() -> set[str]:
    """The SDK's reads: `list_*`, `get_*` and `available_*` methods of its API classes (plain variants)."""
    return {
        f"{api.__name__}.{name}"
        for api in (PhoneNumbersApi, AgentsApi, ConversationsApi, DefaultApi)
        for name, _ in inspect.getmembers(api, inspect.isfunction)
        if name.startswith(("list_", "get_", "available_", "health_"))
        and not name.endswith(("_with_http_info", "_without_preload_content"))
    }


@pytest.fixture(scope="session")
def profile_servers(server_factory: Callable[..., Any]) -> dict[str, Any]:
    """One server per VoiceOS profile, each on the bundled fixtures."""
    return {name: server_factory(Config(provider_profiles={"voiceos": name})) for name in PROFILES}


def every_page(read: Callable[..., Any]) -> Iterator[Any]:
    """Items of every page of a list read, two at a time, so paging is read too."""
    for index in range(1, 100):
        page = read(index=index, limit=2)
        yield from page.items
        if not page.has_more:
            return
    raise AssertionError("more than 99 pages")


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_sdk_reads_every_bundled_object_in_every_profile(profile_servers, profile) -> None:
    """The official SDK parses every list and get of the bundled fixtures: a model it cannot read raises."""
    live = profile_servers[profile]
    admin = admin_client(live)
    admin.post("/reset").raise_for_status()
    assert admin.get("/profiles").json()["voiceos"]["profile"] == profile
    demo = admin.get("/state").json()["providers"]["voiceos"]["tenants"]["demo"]
    sdk = sdk_for(live)
    called: set[str] = set()

    def read(api: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        called.add(f"{type(api).__name__}.{name}")
        return getattr(api, name)(*args, **kwargs)

    numbers = list(every_page(lambda **page: read(sdk.phone_numbers, "list_phone_numbers", **page)))
    assert [n.phone_number for n in numbers] == list(demo["numbers"])
    for listed in numbers:
        fetched = read(sdk.phone_numbers, "get_phone_number", listed.phone_number)
        assert fetched.to_dict() == listed.to_dict()
    offered = read(sdk.phone_numbers, "available_numbers_to_buy", limit=100)
    assert len(offered) == 6 and all(n.provider.value == "twilio" for n in offered)

    agents = list(every_page(lambda **page: read(sdk.agents, "list_agents", **page)))
    assert [a.id for a in agents] == list(demo["agents"])
    for listed in agents:
        assert read(sdk.agents, "get_agent", listed.id).to_dict() == listed.to_dict()
    assert agents[0].voice.actual_instance.similarity_boost == 1  # the ElevenLabs voice

    conversations = list(every_page(lambda **page: read(sdk.conversations, "list_conversations", **page)))
    assert [c.id for c in conversations] == list(demo["conversations"])
    recorded = []
    for listed in conversations:
        assert read(sdk.conversations, "get_conversation", listed.id).to_dict() == listed.to_dict()
        try:
            recording = read(sdk.conversations, "get_audio_recording", listed.id)
        except ApiException as missing:
            assert missing.status == 404 and listed.started_at is None
        else:
            assert recording.recording_url.endswith(f"/{listed.id}.wav")
            recorded.append(listed.id)
    assert recorded == [ENDED_CALL]

    health = read(DefaultApi(sdk.client), "health_check_get")
    assert isinstance(health, dict)
    assert called == sdk_reads()


def test_sdk_search_buy_list_get_patch_delete(sdk: VoiceOS) -> None:
    numbers = sdk.phone_numbers

    offered = numbers.available_numbers_to_buy(contains="4155", limit=1)
    assert [n.phone_number for n in offered] == ["+14155550120"]
    assert offered[0].provider.value == "twilio" and offered[0].iso_country == "US"

    bought = numbers.buy_phone_number(BuyPhoneNumber(phone_number=offered[0].phone_number))
    assert bought.phone_number == "+14155550120" and bought.id.startswith("pn_")
    assert bought.inbound_agent_id is None and bought.telephony.account_sid is None
    random_one = numbers.buy_phone_number(BuyPhoneNumber())
    assert random_one.phone_number not in (bought.phone_number, WITH_WEBHOOK)

    first = numbers.list_phone_numbers(limit=2)
    assert [n.phone_number for n in first.items] == [WITH_WEBHOOK, IMPORTED] and first.has_more
    rest = numbers.list_phone_numbers(index=2, limit=2)
    assert [n.phone_number for n in rest.items] == [NO_AGENT, bought.phone_number] and rest.has_more
    last = numbers.list_phone_numbers(index=3, limit=2)
    assert [n.phone_number for n in last.items] == [random_one.phone_number] and not last.has_more
    since = numbers.list_phone_numbers(created_after=datetime(2024, 5, 2, 10, 0, tzinfo=timezone.utc))
    assert [n.phone_number for n in since.items] == [NO_AGENT, bought.phone_number, random_one.phone_number]

    fetched = numbers.get_phone_number(WITH_WEBHOOK)  # the SDK sends the + as %2B
    assert fetched.inbound_agent_id == FRONT_DESK
    assert fetched.webhooks[0].url == "http://127.0.0.1:9/voiceos/connection"
    # SDK 0.8.1.3's PhoneNumberWebhook.from_dict drops `headers`; the raw answer carries them.
    raw = json.loads(numbers.get_phone_number_with_http_info(WITH_WEBHOOK).raw_data)
    assert raw["webhooks"][0]["headers"] == {"X-Secret": "s3cr3t"}
    assert fetched.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)

    hook = PhoneNumberWebhook(
        events=["phone_call:connection_requested"], url="https://example.com/pick", method="GET", headers={"X-Key": "k"}
    )
    patched = numbers.update_phone_number(
        bought.phone_number, UpdatePhoneNumber(inbound_agent_id=SALES, webhooks=[hook])
    )
    assert patched.inbound_agent_id == SALES
    assert patched.webhooks[0].method.value == "GET" and patched.webhooks[0].url == "https://example.com/pick"
    stored = json.loads(numbers.get_phone_number_with_http_info(bought.phone_number).raw_data)
    assert stored["webhooks"][0]["headers"] == {"X-Key": "k"}
    only_agent = numbers.update_phone_number(bought.phone_number, UpdatePhoneNumber(inbound_agent_id=FRONT_DESK))
    assert only_agent.inbound_agent_id == FRONT_DESK and len(only_agent.webhooks) == 1
    assert only_agent.updated_at >= patched.updated_at

    deleted = numbers.delete_phone_number(bought.phone_number, release_phone_number=True)
    assert deleted.phone_number == bought.phone_number and not hasattr(deleted, "id")
    with pytest.raises(ApiException) as missing:
        numbers.get_phone_number(bought.phone_number)
    assert missing.value.status == 404
    assert bought.phone_number in [n.phone_number for n in numbers.available_numbers_to_buy()]


def test_sdk_sees_validation_and_auth_errors(sdk: VoiceOS, server) -> None:
    with pytest.raises(ApiException) as unknown_agent:
        sdk.phone_numbers.update_phone_number(
            NO_AGENT, UpdatePhoneNumber(inbound_agent_id="agt_000000000000000000000000")
        )
    assert unknown_agent.value.status == 404 and "Agent not found" in unknown_agent.value.body
    stranger = VoiceOS("wrong_key")
    stranger.configuration.host = f"{server.url}/voiceos"
    with pytest.raises(ApiException) as denied:
        stranger.phone_numbers.list_phone_numbers()
    assert denied.value.status == 401


def test_sdk_agents_and_conversations(sdk: VoiceOS) -> None:
    from voiceos.models import AgentConfiguration, ConversationStatus, UpdateAgent

    created = sdk.agents.create_agent(AgentConfiguration(prompt="Answer questions about opening hours."))
    assert created.max_duration_seconds == 600 and created.id.startswith("agt_")
    updated = sdk.agents.update_agent(created.id, UpdateAgent(initial_message="Hi there"))
    assert (updated.prompt, updated.initial_message) == ("Answer questions about opening hours.", "Hi there")
    assert sdk.agents.get_agent(SALES).prompt.startswith("You qualify")
    assert [a.id for a in sdk.agents.list_agents(index=2, limit=3).items] == [created.id]
    assert sdk.agents.delete_agent(created.id).id == created.id
    conversations = sdk.conversations.list_conversations(status=ConversationStatus.QUEUED)
    assert [c.status.value for c in conversations.items] == ["queued"]


def test_sdk_places_a_call_and_reads_its_recording(sdk: VoiceOS, frozen) -> None:
    from voiceos.models import AgentConfiguration, CreateCall

    queued = sdk.conversations.create_phone_call(CreateCall(from_number=IMPORTED, to_number="+14155550177", agent_id=SALES))
    assert (queued.type.value, queued.status.value, queued.agent_id) == ("outbound_phone_call", "queued", SALES)
    assert queued.phone_call.from_number == IMPORTED and queued.started_at is None
    with pytest.raises(ApiException) as not_yet:
        sdk.conversations.get_audio_recording(queued.id)
    assert not_yet.value.status == 404 and "Recording not found" in not_yet.value.body
    frozen.post("/clock/advance", json={"seconds": 65}).raise_for_status()
    ended = sdk.conversations.get_conversation(queued.id)
    assert (ended.status.value, ended.ended_reason.value) == ("ended", "user_ended")
    assert sdk.conversations.get_audio_recording(queued.id).recording_url.endswith(f"/{queued.id}.wav")

    configured = sdk.conversations.create_phone_call(
        CreateCall(from_number=WITH_WEBHOOK, to_number="+447700900123", agent_config=AgentConfiguration(prompt="Hi"))
    )
    assert configured.agent_id is None and configured.agent_config.prompt == "Hi"
    assert configured.agent_config.max_duration_seconds == 600
    with pytest.raises(ApiException) as unknown:
        sdk.conversations.create_phone_call(CreateCall(from_number="+19995550000", to_number="+14155550177", agent_id=SALES))
    assert unknown.value.status == 404 and "Phone number not found" in unknown.value.body


def test_sdk_health_check(server) -> None:
    from voiceos.api.default_api import DefaultApi
    from voiceos.api_client import ApiClient

    client = ApiClient(Configuration(host=f"{server.url}/voiceos"))
    assert DefaultApi(client).health_check_get() == {"status": "ok"}
