"""VoIPBIN and Gigs clients, careful and careless, each driven by a scenario the checks run.

Every scenario takes the `ScenarioTarget` the check hands it, so the same functions run in
process, from a user's pytest project and from the command line.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import httpx

GIGS_SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
NUMBER = "+899123000777"


def http_client(target: Any, timeout: float = 1.0) -> httpx.Client:
    auth = target.credentials
    basic = tuple(auth["basic"]) if auth.get("basic") else None
    return httpx.Client(base_url=target.base_url, headers=auth.get("headers"), params=auth.get("params"),
                        auth=basic, timeout=timeout, trust_env=False)


def careful_call(http: httpx.Client, method: str, path: str, attempts: int = 4, **kwargs: Any) -> httpx.Response:
    """Retries transport failures, 429 (as long as Retry-After says) and 5xx; raises on 4xx."""
    for _ in range(attempts):
        try:
            answer = http.request(method, path, **kwargs)
        except httpx.TransportError:
            time.sleep(0.02)
            continue
        if answer.status_code == 429:
            time.sleep(float(answer.headers.get("retry-after", "1")))
            continue
        if answer.status_code >= 500:
            time.sleep(0.02)
            continue
        return answer.raise_for_status()
    raise RuntimeError(f"{method} {path}: gave up after {attempts} attempts")


# --- VoIPBIN: no idempotency keys, so a careful client looks before buying again ---------------


def voipbin_careful(target: Any) -> None:
    with http_client(target) as http:
        careful_call(http, "GET", "/v1.0/numbers")
        for _ in range(4):
            try:
                answer = http.post("/v1.0/numbers", json={"number": NUMBER, "type": "virtual"})
            except httpx.TransportError:  # the answer is lost: did the purchase happen?
                listed = careful_call(http, "GET", "/v1.0/numbers").json()["result"]
                if any(n["number"] == NUMBER for n in listed):
                    break
                continue
            if answer.status_code == 429:
                time.sleep(float(answer.headers.get("retry-after", "1")))
                continue
            answer.raise_for_status()
            break
        careful_call(http, "GET", "/v1.0/numbers")


def voipbin_buys_again(target: Any) -> None:
    """Retries a create whose answer was lost without looking first: two numbers."""
    with http_client(target) as http:
        careful_call(http, "GET", "/v1.0/numbers")
        for _ in range(2):
            try:
                http.post("/v1.0/numbers", json={"number": f"+8991230{uuid.uuid4().int % 10**5:05d}", "type": "virtual"})
                break
            except httpx.TransportError:
                continue


def retries_at_once(target: Any) -> None:
    """Retries a 429 immediately, ignoring Retry-After."""
    with http_client(target) as http:
        for _ in range(5):
            if http.get("/v1.0/numbers").status_code != 429:
                return
        raise RuntimeError("still limited")


def never_retries(target: Any) -> None:
    with http_client(target) as http:
        http.get("/v1.0/numbers").raise_for_status()


def retries_forever(target: Any) -> None:
    """Retries any failure, with no limit."""
    with http_client(target) as http:
        while http.get("/v1.0/numbers").status_code >= 400:
            time.sleep(0.01)


def no_timeout(target: Any) -> None:
    with http_client(target, timeout=None) as http:  # type: ignore[arg-type]
        careful_call(http, "GET", "/v1.0/numbers")


def makes_no_request(target: Any) -> None:
    return None


def wrong_credentials(target: Any) -> None:
    with httpx.Client(base_url=target.base_url, trust_env=False) as http:
        http.get("/v1.0/numbers", params={"accesskey": "wrong"})


# --- Gigs: idempotency keys --------------------------------------------------------------------


def gigs_buy(new_key_on_retry: bool) -> Callable[[Any], None]:
    def scenario(target: Any) -> None:
        with http_client(target) as http:
            key = str(uuid.uuid4())
            for _ in range(3):
                try:
                    answer = http.post("/projects/demo/virtualNumbers", json={"subscription": GIGS_SUBSCRIPTION},
                                       headers={"Idempotency-Key": key})
                except httpx.TransportError:
                    key = str(uuid.uuid4()) if new_key_on_retry else key
                    continue
                answer.raise_for_status()
                return
            raise RuntimeError("could not buy")

    return scenario


gigs_reuses_key = gigs_buy(new_key_on_retry=False)
gigs_new_key = gigs_buy(new_key_on_retry=True)
