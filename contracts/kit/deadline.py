"""Runs a user's code with a deadline, in a thread the check can abandon.

A check must never hang on the code it checks: a pager that never stops, or a blocking call
with no timeout (sync httpx in a thread, a receiver that never answers), is reported as "did not
return within N s", not awaited. The call runs in a daemon thread; after the deadline the check
stops waiting, asks the thread to stop at its next Python step (a looping client then stops
hitting the server) and raises `DidNotReturn`. A thread stuck in a blocking system call stays
blocked, harmlessly: it is a daemon and never joined.
"""

from __future__ import annotations

import asyncio
import ctypes
import inspect
import queue
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
"""Seconds each call of a user's code may take (a scenario, an adapter operation, a delivery)."""


class DidNotReturn(AssertionError):
    """The user's code did not return within the deadline; `requests` lists what it sent meanwhile."""

    def __init__(self, what: str, seconds: float, requests: list[str] | None = None) -> None:
        self.what = what
        self.seconds = seconds
        self.requests = list(requests or [])
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.what} did not return within {self.seconds:g} s"]
        lines += self.requests
        return "\n".join(lines)

    def with_requests(self, requests: list[str]) -> DidNotReturn:
        return DidNotReturn(self.what, self.seconds, requests)


class Abandoned(BaseException):
    """Raised inside an abandoned call's thread, so that it stops at its next Python step.

    A BaseException, so that a client's `except Exception` does not swallow it.
    """


class StopCheck(BaseException):
    """Raised through hypothesis to end a check at once, without shrinking: replaying a call that
    hangs would cost the deadline again for every shrinking step. `cause` says what hung."""

    def __init__(self, cause: DidNotReturn) -> None:
        super().__init__(str(cause))
        self.cause = cause


def call_with_deadline(fn: Callable[..., Any], *args: Any, seconds: float, what: str) -> Any:
    """`fn(*args)` (awaited when it returns an awaitable), or DidNotReturn after `seconds`.

    What `fn` raises is raised here, with its own traceback.
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            run_into(outcome, fn, *args)
        finally:
            done.set()

    thread = threading.Thread(target=target, name=f"telemock check: {what}", daemon=True)
    thread.start()
    if not done.wait(seconds):
        stop(thread)
        raise DidNotReturn(what, seconds)
    return result_of(outcome)


def run_into(outcome: dict[str, Any], fn: Callable[..., Any], *args: Any) -> bool:
    """Runs `fn(*args)` (awaited when it returns an awaitable) into `outcome`; False when abandoned."""
    try:
        result = fn(*args)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        outcome["result"] = result
    except Abandoned:
        return False
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        outcome["error"] = exc
    return True


def result_of(outcome: dict[str, Any]) -> Any:
    """The call's result, or what it raised raised again here, with its own traceback."""
    if "error" in outcome:
        error: BaseException = outcome.pop("error")
        raise error
    return outcome.get("result")


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def stop(thread: threading.Thread) -> None:
    """Ask `thread` to raise `Abandoned` at its next Python step (CPython; elsewhere it is only abandoned)."""
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is None or thread.ident is None or not thread.is_alive():
        return
    set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(Abandoned))


class DeadlineThread:
    """Runs calls one after another on one daemon thread, each with a deadline.

    `call_with_deadline` starts a thread per call; at eight deliveries per event, starting them
    cost more than generating the event. A call that misses its deadline is abandoned with its
    thread (asked to stop, never joined) and the next call gets a new thread.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Any] | None = None
        self._thread: threading.Thread | None = None

    def call(self, fn: Callable[..., Any], *args: Any, seconds: float, what: str) -> Any:
        """`fn(*args)` on the thread, or DidNotReturn after `seconds`; what `fn` raises is raised here."""
        if self._jobs is None or self._thread is None or not self._thread.is_alive():
            self._jobs = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._serve, args=(self._jobs,), name=self.name, daemon=True)
            self._thread.start()
        outcome: dict[str, Any] = {}
        done = threading.Event()
        self._jobs.put((fn, args, outcome, done))
        if not done.wait(seconds):
            stop(self._thread)
            self._jobs = self._thread = None
            raise DidNotReturn(what, seconds)
        return result_of(outcome)

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[Any]) -> None:
        while (job := jobs.get()) is not None:
            fn, args, outcome, done = job
            try:
                finished = run_into(outcome, fn, *args)
            finally:
                done.set()
            if not finished:
                return

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)
        self._jobs = self._thread = None
