"""The VoiceOS demo fixtures' ids and keys, and the documented spec, shared by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "contracts" / "specs" / "voiceos.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))

DEMO_KEY = "voiceos_demo_key"
OTHER_KEY = "voiceos_other_key"
DEMO_ACCOUNT = "acc_885c3867a2c9a3ae779091b8"
FRONT_DESK = "agt_c0dcae8d85039ba6d03d2c4a"
SALES = "agt_62f9a507d6373d81b927a3dc"
AFTER_HOURS = "agt_7c740c2ebcb743191ea5ca41"
WITH_WEBHOOK = "+14155550100"
IMPORTED = "+14155550101"
NO_AGENT = "+12125550142"
ENDED_CALL = "conv_624af12836ffbeecf2497d61"
QUEUED_CALL = "conv_aff28072c90c47b49c96d3d6"
NOW = "2024-06-01T12:00:00Z"


def voiceos_client(live: Any, key: str | None = DEMO_KEY, **headers: str) -> Any:
    """An httpx client for /voiceos on a live server, with `Authorization: Bearer <key>` unless key is None.

    verify=False: the server is plain HTTP on loopback, and skipping the CA bundle makes a client
    about twenty times cheaper to create.
    """
    if key is not None:
        headers = {"Authorization": f"Bearer {key}", **headers}
    return live.client("/voiceos", headers=headers, verify=False)


def admin_client(live: Any) -> Any:
    return live.client("/_telemock", verify=False)
