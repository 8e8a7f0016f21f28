"""How far a long check has come, shown while it runs: live bars on a terminal, plain lines in a log.

`telemock check server` can take minutes; a CI log or a person at a terminal should see which
operation is being checked and how many cases it has run. The checks call a `Progress` (a run
begins, a case is done, a run ends); `progress_for(stream)` picks live bars (rich, on a
terminal) or one plain line per finished run (a pipe, a CI log), both on `stream`, which the
command points at stderr so that stdout keeps only the report.
"""

from __future__ import annotations

from typing import IO, Any, Protocol


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class Progress(Protocol):
    def start(self, runs: int) -> None:
        """The check will do `runs` runs (operations × modes, or events)."""

    def begin(self, name: str, cases: int) -> None:
        """A run starts; it plans `cases` cases (shrinking may add some)."""

    def case(self) -> None:
        """One case of the current run is done."""

    def end(self, outcome: str, detail: str = "") -> None:
        """The current run ended: `passed`, `failed`, `error`, `skipped`, and a few words."""

    def close(self) -> None: ...


class Silent:
    """No progress (the Python API's default)."""

    def start(self, runs: int) -> None: ...
    def begin(self, name: str, cases: int) -> None: ...
    def case(self) -> None: ...
    def end(self, outcome: str, detail: str = "") -> None: ...
    def close(self) -> None: ...


class Lines:
    """One line per finished run, `[3/14] numbers_list [positive]: passed, 25 cases`, for logs."""

    def __init__(self, stream: IO[str], prefix: str = "") -> None:
        self.stream = stream
        self.prefix = prefix
        self.runs = 0
        self.done = 0
        self.name = ""
        self.cases = 0

    def start(self, runs: int) -> None:
        self.runs = runs

    def begin(self, name: str, cases: int) -> None:
        self.name, self.cases = name, 0

    def case(self) -> None:
        self.cases += 1

    def end(self, outcome: str, detail: str = "") -> None:
        self.done += 1
        width = len(str(self.runs))
        more = f", {detail}" if detail else ""
        self.stream.write(f"{self.prefix}[{self.done:>{width}}/{self.runs}] {self.name}: {outcome}, "
                          f"{self.cases} case{'s' if self.cases != 1 else ''}{more}\n")
        self.stream.flush()

    def close(self) -> None: ...


class Bars:
    """Live bars on a terminal: the runs done of all, and the current run's cases done of planned."""

    def __init__(self, console: Any, title: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.title = title
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self.overall: Any = None
        self.current: Any = None

    def start(self, runs: int) -> None:
        self.progress.start()
        self.overall = self.progress.add_task(escape(self.title), total=runs)

    def begin(self, name: str, cases: int) -> None:
        if self.current is not None:
            self.progress.remove_task(self.current)
        self.current = self.progress.add_task(escape(f"  {name}"), total=cases)  # `[positive]` is not markup

    def case(self) -> None:
        if self.current is not None:
            self.progress.advance(self.current)

    def end(self, outcome: str, detail: str = "") -> None:
        self.progress.advance(self.overall)

    def close(self) -> None:
        self.progress.stop()


def progress_for(stream: IO[str], title: str) -> Progress:
    """Bars when `stream` is a terminal rich can drive, else plain lines prefixed with `title`."""
    from rich.console import Console

    console = Console(file=stream, stderr=True)
    if console.is_terminal and not console.is_dumb_terminal:
        return Bars(console, title)
    return Lines(stream, f"{title} ")
