"""What the behaviour checks' reports share: failures indented under the report's headline, and the
assertion a test sees when a check fails (its message is the whole report)."""

from __future__ import annotations

from typing import Any, Iterable


class CheckFailed(AssertionError):
    """A check found failures (or exercised nothing); `report` holds them, the message renders it."""

    def __init__(self, report: Any) -> None:
        self.report = report
        super().__init__(report.render())


def indented(failures: Iterable[Any]) -> list[str]:
    """Each failure's rendering, its lines indented two spaces under the report's headline."""
    return ["  " + failure.render().replace("\n", "\n  ") for failure in failures]
