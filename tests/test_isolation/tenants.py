"""A second tenant per provider with objects of its own, and what identifies each tenant's data.

Tenant A is each provider's demo tenant (the bundled fixtures); tenant B is added on top through
`POST /_telemock/fixtures` with distinct ids, numbers, names and credentials, so that any of
B's identifiers showing up in an answer to A is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from test_hostile.catalog import DEMO, DEMO_PATH_VALUES, Credentials, basic, bearer

B_VOIPBIN_FLOW = "b0b0b0b0-0000-4000-8000-0000000f1011"
B_VOIPBIN_BILLING_ACCOUNT = "b0b0b0b0-0000-4000-8000-0000000b111b"

TENANT_B_FIXTURES: dict[str, Any] = {
    "voipbin": {"customers": [{
        "tenant": "iso-b", "id": "b0b0b0b0-0000-4000-8000-00000000000b", "name": "Isolation Customer B",
        "webhook_secret": "whsecret-voipbin-tenant-b-Qx81",
        "billing_accounts": [{"id": B_VOIPBIN_BILLING_ACCOUNT}],
        "accesskeys": [{"key": "vb-key-tenant-b-Zr55"}],
        "users": [{"username": "bob-iso-b", "password": "pw-tenant-b-Kk12", "permission": "admin"}],
        "flows": [{"id": B_VOIPBIN_FLOW, "name": "Isolation flow B", "detail": "tenant b only",
                   "actions": [{"type": "answer"}]}],
        "numbers": [{"id": "b0b0b0b0-0000-4000-8000-00000000a001", "number": "+899100000777", "type": "virtual",
                     "name": "Isolation line B", "call_flow": "Isolation flow B"}],
    }]},
    "signalwire": {"projects": [{
        "tenant": "iso-b", "project_id": "b0b0b0b0-1111-4111-8111-00000000000b",
        "signing_key": "PSK_tenant_b_signing_Yy77",
        "tokens": [{"token": "PT_tenant_b_token_Jj33"}],
        "e911_addresses": [{"id": "b0b0b0b0-1111-4111-8111-0000000e9110", "label": "Isolation address B",
                            "street_name": "Isolation Street B"}],
        "numbers": [{"id": "b0b0b0b0-1111-4111-8111-00000000a002", "number": "+13035550199", "name": "Isolation main B",
                     "purchased_days_ago": 40, "e911_address_id": "b0b0b0b0-1111-4111-8111-0000000e9110"}],
        "number_groups": [{"id": "b0b0b0b0-1111-4111-8111-0000000a9a00", "name": "Isolation group B",
                           "memberships": [{"id": "b0b0b0b0-1111-4111-8111-0000000a9a01",
                                            "phone_number_id": "b0b0b0b0-1111-4111-8111-00000000a002"}]}],
    }]},
    "voiceos": {"accounts": [{
        "tenant": "iso-b", "id": "acc_b0b0b0b0b0b0b0b0b0b0b0b0", "api_keys": ["voiceos-key-tenant-b-Pp90"],
        "agents": [{"id": "agt_b0b0b0b0b0b0b0b0b0b0b0b0", "created_at": "2024-06-01T09:00:00Z",
                    "prompt": "Isolation agent B prompt", "metadata": {"owner": "isolation-b"}}],
        "numbers": [{"id": "pn_b0b0b0b0b0b0b0b0b0b0b0b0", "phone_number": "+13105550777",
                     "created_at": "2024-06-01T10:00:00Z", "inbound_agent_id": "agt_b0b0b0b0b0b0b0b0b0b0b0b0"}],
        "conversations": [{"id": "conv_b0b0b0b0b0b0b0b0b0b0b0b0", "status": "ended", "created_at": "2024-06-02T10:00:00Z",
                           "agent_id": "agt_b0b0b0b0b0b0b0b0b0b0b0b0",
                           "phone_call": {"to_number": "+13105550777", "from_number": "+13105550888"}}],
    }]},
    "gigs": {"projects": [{
        "id": "iso-b", "api_keys": [{"key": "gigs-key-tenant-b-Ww41", "id": "apk_TenantB0001"}],
        "users": [{"id": "usr_TenantB0001", "email": "isolation-b@example.com", "full_name": "Isolation User B"}],
        "subscriptions": [{"id": "sub_TenantB0001", "user": "usr_TenantB0001", "status": "active",
                           "phone_number": "+19595550777"}],
        "virtual_numbers": [{"id": "vnr_TenantB0001", "subscription": "sub_TenantB0001", "status": "active",
                             "phone_number": "+447700900777"}],
    }]},
}

TENANT_B_CREDENTIALS = {
    "voipbin": Credentials(query=(("accesskey", "vb-key-tenant-b-Zr55"),)),
    "signalwire": Credentials(headers=(basic("b0b0b0b0-1111-4111-8111-00000000000b", "PT_tenant_b_token_Jj33"),)),
    "voiceos": Credentials(headers=(bearer("voiceos-key-tenant-b-Pp90"),)),
    "gigs": Credentials(headers=(bearer("gigs-key-tenant-b-Ww41"),)),
}

TENANT_B_PATH_VALUES: dict[str, dict[tuple[str, str], str]] = {
    "voipbin": {
        ("numbers", "id"): "b0b0b0b0-0000-4000-8000-00000000a001",
        ("flows", "id"): B_VOIPBIN_FLOW,
        ("activeflows", "id"): "",  # created through the API when the tenant is seeded
    },
    "signalwire": {
        ("phone_numbers", "id"): "b0b0b0b0-1111-4111-8111-00000000a002",
        ("phone_number", "e164_number"): "+13035550199",
        ("addresses", "id"): "b0b0b0b0-1111-4111-8111-0000000e9110",
        ("number_groups", "id"): "b0b0b0b0-1111-4111-8111-0000000a9a00",
        ("number_groups", "NumberGroupId"): "b0b0b0b0-1111-4111-8111-0000000a9a00",
        ("number_group_memberships", "id"): "b0b0b0b0-1111-4111-8111-0000000a9a01",
        ("Accounts", "AccountSid"): "b0b0b0b0-1111-4111-8111-00000000000b",
        ("IncomingPhoneNumbers", "Sid"): "b0b0b0b0-1111-4111-8111-00000000a002",
        ("AvailablePhoneNumbers", "IsoCountry"): "US",
    },
    "voiceos": {
        ("phone_numbers", "phone_number"): "+13105550777",
        ("agents", "id"): "agt_b0b0b0b0b0b0b0b0b0b0b0b0",
        ("conversations", "id"): "conv_b0b0b0b0b0b0b0b0b0b0b0b0",
    },
    "gigs": {
        ("projects", "project"): "iso-b",
        ("virtualNumbers", "virtualNumber"): "vnr_TenantB0001",
        ("subscriptions", "subscription"): "sub_TenantB0001",
        ("users", "user"): "usr_TenantB0001",
    },
}

# What would give tenant B away in an answer to tenant A: ids, numbers, names, secrets.
TENANT_B_MARKERS: dict[str, set[str]] = {
    "voipbin": {"b0b0b0b0-0000-4000-8000-00000000000b", "b0b0b0b0-0000-4000-8000-00000000a001", B_VOIPBIN_FLOW,
                B_VOIPBIN_BILLING_ACCOUNT,
                "+899100000777", "Isolation line B", "Isolation flow B", "Isolation Customer B", "tenant b only",
                "whsecret-voipbin-tenant-b-Qx81", "vb-key-tenant-b-Zr55", "bob-iso-b", "pw-tenant-b-Kk12"},
    "signalwire": {"b0b0b0b0-1111-4111-8111-00000000000b", "b0b0b0b0-1111-4111-8111-00000000a002", "+13035550199",
                   "Isolation main B", "b0b0b0b0-1111-4111-8111-0000000e9110", "Isolation address B",
                   "Isolation Street B", "b0b0b0b0-1111-4111-8111-0000000a9a00", "Isolation group B",
                   "b0b0b0b0-1111-4111-8111-0000000a9a01", "PSK_tenant_b_signing_Yy77", "PT_tenant_b_token_Jj33"},
    "voiceos": {"acc_b0b0b0b0b0b0b0b0b0b0b0b0", "agt_b0b0b0b0b0b0b0b0b0b0b0b0", "pn_b0b0b0b0b0b0b0b0b0b0b0b0",
                "+13105550777", "conv_b0b0b0b0b0b0b0b0b0b0b0b0", "+13105550888", "Isolation agent B prompt",
                "isolation-b", "voiceos-key-tenant-b-Pp90"},
    "gigs": {"apk_TenantB0001", "usr_TenantB0001", "sub_TenantB0001", "vnr_TenantB0001", "+19595550777",
             "+447700900777", "isolation-b@example.com", "Isolation User B", "gigs-key-tenant-b-Ww41"},
}

# What gives the demo tenant (A) away, for the reverse direction.
TENANT_A_MARKERS: dict[str, set[str]] = {
    "voipbin": {"0b266038-844b-11ec-97d8-63ba531361ce", "7f0a1d2e-3b4c-4d5e-8f60-718293a4b5c6",
                "9c8b7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d", "d157ce07-0360-4cad-9007-c8ab89fccf9c",
                "3b0c7c5e-6f0a-4c4e-8d77-2a6f1f0e9a01", "5e4a0680-804e-11ec-8477-2fea5968d85b",
                "+821100000001", "+15551230001", "+899100000001", "Demo customer", "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"},
    "signalwire": {"3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
                   "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f", "+15035550110", "+15125550142", "+18885550199",
                   "Austin IVR", "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59", "Support lines",
                   "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6", "7a6b5c4d-3e2f-4109-8a7b-6c5d4e3f2a1b",
                   "PSK_demo_signing_key"},
    "voiceos": {"acc_885c3867a2c9a3ae779091b8", "agt_c0dcae8d85039ba6d03d2c4a", "pn_f7c0e29fcff8002e95c9ee34",
                "+14155550100", "+14155550101", "conv_624af12836ffbeecf2497d61", "Acme Dental"},
    "gigs": {"usr_0SNlurA049MEWV4OpCwsNyC9Kn2d", "sub_0SNlurA049MEWV2gSfSxi00xlPIi", "vnr_0SNlurA049MEWV29mxRtSMDnKtUD",
             "+447700900000", "jerry@example.com", "Jerry Seinfeld", "apk_0SNlurA049MEWV4wRq2ql6SYZxiY"},
}


@dataclass(frozen=True)
class Tenant:
    """One side of the isolation tests: its credentials, its objects, and what identifies it."""

    name: str
    credentials: dict[str, Credentials]
    path_values: dict[str, dict[tuple[str, str], str]]
    markers: dict[str, set[str]]


TENANT_A = Tenant("demo", DEMO, DEMO_PATH_VALUES, TENANT_A_MARKERS)

# A body each operation accepts (given the caller's own objects), so a refusal is about the caller.
VALID_BODIES: dict[str, Any] = {
    "voipbin:auth_login": {"username": "demo", "password": "demo"},
    "voipbin:customer_update": {"name": "renamed", "detail": "", "email": "", "phone_number": "", "address": "",
                                "webhook_method": "POST", "webhook_uri": ""},
    "voipbin:customer_update_metadata": {"rtp_debug": True},
    "voipbin:customer_update_billing_account_id": {"billing_account_id": "c0ffee00-b111-4a11-8b11-000000000001"},
    "voipbin:numbers_create": {"number": "+899123456780", "type": "virtual"},
    "voipbin:numbers_renew": {"tm_renew": "2030-01-01 00:00:00"},
    "voipbin:numbers_update": {"name": "renamed", "detail": ""},
    "voipbin:numbers_update_flow_ids": {"call_flow_id": "00000000-0000-0000-0000-000000000000"},
    "voipbin:numbers_update_metadata": {"rtp_debug": True},
    "voipbin:flows_create": {"name": "new", "detail": "", "actions": [{"type": "answer"}]},
    "voipbin:flows_update": {"name": "renamed", "detail": "", "actions": [{"type": "answer"}]},
    "voipbin:activeflows_create": {"actions": [{"type": "answer"}]},
    "signalwire:phone_numbers_purchase": {"number": "+15035550111"},
    "signalwire:phone_numbers_update": {"name": "renamed"},
    "signalwire:e911_address_assign": {"e911_address_id": "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59"},
    "signalwire:imported_phone_numbers_create": {"number": "+15555550123"},
    "signalwire:addresses_create": {"label": "New", "country": "US", "first_name": "A", "last_name": "B",
                                    "street_number": "1", "street_name": "Main St", "city": "Portland", "state": "OR",
                                    "postal_code": "97204"},
    "signalwire:addresses_update": {"label": "renamed"},
    "signalwire:number_groups_create": {"name": "new"},
    "signalwire:number_groups_update": {"name": "renamed"},
    "signalwire:number_group_memberships_create": {"phone_number_id": "9a8b7c6d-5e4f-4a3b-b2c1-d0e9f8a7b6c5"},
    "signalwire:laml_incoming_phone_numbers_create": {"PhoneNumber": "+15035550111"},
    "signalwire:laml_incoming_phone_numbers_update": {"FriendlyName": "renamed"},
    "voiceos:phone_numbers_buy": {"phone_number": None},
    "voiceos:phone_numbers_update": {"inbound_agent_id": None},
    "voiceos:agents_create": {"prompt": "new agent"},
    "voiceos:agents_update": {"prompt": "renamed"},
    "voiceos:conversations_create_phone_call": {"from_number": "+14155550101", "to_number": "+14155550177",
                                                "agent_id": "agt_62f9a507d6373d81b927a3dc"},
    "gigs:virtual_numbers_create": {"subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi"},
}
