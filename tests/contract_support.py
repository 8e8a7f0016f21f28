"""Runs schemathesis with a provider's documented spec against a live emulator.

A thin wrapper over `telemock.contracts.kit.server_check.check_server`, kept for the provider contract tests.
"""

from __future__ import annotations

from schemathesis.generation.modes import GenerationMode

from telemock.contracts.kit.server_check import check_server, strip_security

__all__ = ["run_schemathesis", "strip_security"]


def run_schemathesis(
    base_url: str,
    provider: str,
    *,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    max_examples: int = 25,
    exclude_operations: tuple[str, ...] = (),
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    seed: int = 1,
) -> list[str]:
    """Every operation, positive and negative data; returns readable failures (empty when clean).

    `base_url` is the server root; the provider's mount prefix is added here. Credentials are
    sent on every case so the checks reach past authentication; `path_parameters` pins path
    parameters (e.g. a tenant's project). Operations with nothing to negate are skipped in the
    negative run, not failed.
    """
    report = check_server(
        f"{base_url.rstrip('/')}/{provider}",
        provider,
        headers=headers,
        auth=auth,
        query=query,
        path_parameters=path_parameters,
        max_examples=max_examples,
        seed=seed,
        modes=tuple(mode.value for mode in modes),
        exclude_operations=exclude_operations,
    )
    return report.failure_texts()
