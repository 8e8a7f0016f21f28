"""Property-based checks of a user's code: how their client handles every documented response.

`check_response_handling` serves hypothesis-generated, documented-valid responses of one
operation in place of the emulator's stateful answer, runs the user's scenario against each, and
shrinks any failure to a minimal response, reported with it. A paginated list is served as a
generated walk of pages that ends (see `pages.py`), each page to the request that carries the
previous page's cursor. Every run of the scenario has a deadline: a client that loops or blocks
is reported with the requests it made, never awaited.
"""

from __future__ import annotations

from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.reporting import with_reporter

from .control import Control, Match, last_seq, requests_since
from .deadline import DEFAULT_TIMEOUT, DidNotReturn, StopCheck, call_with_deadline
from .strategies import GeneratedResponse, responses


class ResponseHandlingError(AssertionError):
    """The client under test failed (or did not return) on a response the provider documents."""

    def __init__(self, response: GeneratedResponse, cause: BaseException) -> None:
        self.response = response
        self.cause = cause
        if isinstance(cause, DidNotReturn):
            what = (
                f"the client did not return within {cause.seconds:g} s on a documented response "
                "(not shrunk; a pager that never stops, or a call that blocks?):"
            )
            error = "\n".join(cause.requests)
        else:
            what = "the client failed on a documented response (shrunk to a minimal one):"
            error = f"error: {type(cause).__name__}: {cause}"
        super().__init__(f"{what}\n{response.describe()}\n{error}")


def kit_settings(max_examples: int, **more: Any) -> settings:
    """Hypothesis settings of a kit check: no hypothesis deadline (the kit keeps its own), no example
    database, no health checks, no blob; the kit reports one failure, shrunk, in its own words."""
    return settings(
        max_examples=max_examples, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False, **more,
    )


def serve(control: Control, provider: str, generated: GeneratedResponse, match: Match | None = None) -> None:
    """Put the generated answer in force: the first page for any request, page k for the request
    that carries page k-1's cursor (newer rules are tried first)."""
    control.clear_overrides(provider)
    base = match or {}
    for page in generated.served():
        page_match: Match = {"query": {**base.get("query", {}), **page.asked_with}, "headers": dict(base.get("headers", {}))}
        control.override(provider, generated.operation, generated.status, page.body, generated.content_type,
                         page_match if page_match["query"] or page_match["headers"] else None)


class ItemsMismatch(AssertionError):
    """The client's items are not the walk's items, each once."""


def expect_each_item_once(generated: GeneratedResponse, returned: Any) -> None:
    """Every item the walk served is among what the client returned, and none more often than served."""
    served = generated.served_items()
    if not isinstance(returned, (list, tuple)):
        raise ItemsMismatch(f"the scenario returned {type(returned).__name__}, not the list of items the client read "
                            "(returns_items=True)")
    got = [returned_key(generated, item) for item in returned]
    lost = [key for key in dict.fromkeys(served) if key not in got]
    if lost:
        first = {returned_key(generated, i) for i in generated.pages[0].body.get(generated.paging.items) or []}  # type: ignore[union-attr]
        only_first = len(generated.pages) > 1 and set(got) <= first
        raise ItemsMismatch(f"the client read {len(got)} items of the {len(served)} on {len(generated.pages)} pages; "
                            f"missing: {', '.join(map(repr, lost[:5]))}" + (" (it read only the first page)" if only_first else ""))
    repeated = sorted({key for key in got if got.count(key) > served.count(key)})
    if repeated:
        moved = any(page.repeats for page in generated.pages)
        raise ItemsMismatch(f"the client returned {', '.join(map(repr, repeated[:5]))} more than once"
                            + ("; a page boundary moved between the calls: keep each item once (by id)" if moved else ""))


def returned_key(generated: GeneratedResponse, item: Any) -> str:
    from .pages import item_key

    if isinstance(item, (str, int)) and not isinstance(item, bool):
        return str(item)
    if not isinstance(item, dict) and hasattr(item, "id"):
        return str(item.id)
    return item_key(generated.paging, item)  # type: ignore[arg-type]


def check_response_handling(
    control: Control,
    provider: str,
    operation: str,
    scenario: Callable[[GeneratedResponse], Any],
    *,
    statuses: list[int] | None = None,
    max_examples: int = 50,
    seed: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    match: Match | None = None,
    returns_items: bool = False,
) -> None:
    """Run `scenario` once per generated response; it should call the client and assert.

    The response is in force (as an override of `operation`) while the scenario runs, so any
    request the client makes to that operation gets it. `scenario` may be a coroutine function.
    Each run may take `timeout` seconds; one that takes longer ends the check with a
    `ResponseHandlingError` whose cause is `DidNotReturn`. `match` confines the answers to
    requests carrying those query parameters and headers (one test's credentials).
    With `returns_items`, a scenario served a walk of pages returns the items its client read
    (objects with an `id`, dicts, or ids): each of the walk's items must be there exactly once, so
    a client that reads only the first page, or loses or repeats an item where a page boundary
    moved, fails.
    """
    strategy = responses(provider, operation, statuses)
    last: list[GeneratedResponse] = []

    @kit_settings(max_examples)
    @given(generated=strategy)
    def run(generated: GeneratedResponse) -> None:
        last[:] = [generated]
        serve(control, provider, generated, match)
        before = last_seq(control)
        try:
            returned = call_with_deadline(scenario, generated, seconds=timeout, what="the scenario")
            if returns_items and generated.paging is not None:
                expect_each_item_once(generated, returned)
        except DidNotReturn as exc:
            raise StopCheck(exc.with_requests(requests_since(control, before, provider))) from None
        finally:
            control.clear_overrides(provider)

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    try:
        with with_reporter(lambda _text: None):  # failures are reported in the error instead
            run()
    except StopCheck as stop:
        raise ResponseHandlingError(last[0], stop.cause) from None
    except Exception as exc:
        if not last:
            raise
        raise ResponseHandlingError(last[0], exc) from exc
