"""Property-based checks of a user's code: how their client handles every documented response.

`check_response_handling` serves hypothesis-generated, documented-valid responses of one
operation in place of the emulator's stateful answer, runs the user's scenario against each, and
shrinks any failure to a minimal response, reported with it.
"""

from __future__ import annotations

from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from .control import Control
from .strategies import GeneratedResponse, responses


class ResponseHandlingError(AssertionError):
    """The client under test failed on a response the provider documents."""

    def __init__(self, response: GeneratedResponse, cause: BaseException) -> None:
        self.response = response
        self.cause = cause
        super().__init__(
            "the client failed on a documented response (shrunk to a minimal one):\n"
            f"{response.describe()}\n"
            f"error: {type(cause).__name__}: {cause}"
        )


def check_response_handling(
    control: Control,
    provider: str,
    operation: str,
    scenario: Callable[[GeneratedResponse], Any],
    *,
    statuses: list[int] | None = None,
    max_examples: int = 50,
    seed: int | None = None,
) -> None:
    """Run `scenario` once per generated response; it should call the client and assert.

    The response is in force (as an override of `operation`) while the scenario runs, so any
    request the client makes to that operation gets it.
    """
    strategy = responses(provider, operation, statuses)
    last: list[GeneratedResponse] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
    )
    @given(generated=strategy)
    def run(generated: GeneratedResponse) -> None:
        last[:] = [generated]
        control.clear_overrides(provider)
        control.override(provider, operation, generated.status, generated.body, generated.content_type)
        try:
            scenario(generated)
        finally:
            control.clear_overrides(provider)

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    try:
        run()
    except Exception as exc:
        if not last:
            raise
        raise ResponseHandlingError(last[0], exc) from exc
