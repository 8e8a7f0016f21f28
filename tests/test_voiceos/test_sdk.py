"""The official `voiceos` Python SDK, unchanged but for `configuration.host`, against the emulator."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

voiceos = pytest.importorskip("voiceos", reason="the official VoiceOS SDK (PyPI `voiceos`) is a test dependency")

from voiceos import ApiException, Configuration  # noqa: E402
from voiceos.client import VoiceOS  # noqa: E402
from voiceos.models import BuyPhoneNumber, PhoneNumberWebhook, UpdatePhoneNumber  # noqa: E402
from test_voiceos.demo import DEMO_KEY, FRONT_DESK, IMPORTED, NO_AGENT, SALES, WITH_WEBHOOK  # noqa: E402


@pytest.fixture
def sdk(server) -> VoiceOS:
    client = VoiceOS(DEMO_KEY)
    client.configuration.host = f"{server.url}/voiceos"
    return client


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


def test_sdk_health_check(server) -> None:
    from voiceos.api.default_api import DefaultApi
    from voiceos.api_client import ApiClient

    client = ApiClient(Configuration(host=f"{server.url}/voiceos"))
    assert DefaultApi(client).health_check_get() == {"status": "ok"}
