"""The checks' text reports in colour on a terminal that shows it, byte for byte unchanged elsewhere.

A report is written for people first: marks (`ok`, `FAIL`, `skip`), failed checks and verdicts
stand out in colour when stdout is a terminal (rich decides: `NO_COLOR`, `TERM=dumb` and
`FORCE_COLOR` are honoured). Piped or redirected, the text is written as it is, unwrapped, so
logs and scripts read the same lines as before.
"""

from __future__ import annotations

from typing import IO

STYLES = (
    (r"(?m)^  ok\b", "green"),
    (r"(?m)^  (FAIL|ERROR)\b", "bold red"),
    (r"(?m)^  skip\b", "yellow"),
    (r"(?m)^  - .*$", "red"),
    (r"(?m)^\s+minimal case:", "cyan"),
    (r"(?m)^  \[[a-z-]+\]", "bold red"),
    (r"(?m)^  not checked:", "yellow"),
    (r"all checks passed|no request broke a documented contract", "green"),
    (r"(?m)^#\d+", "bold"),
    (r"\[drift\]", "magenta"),
    (r"(?m)^never reached a 2xx.*$", "yellow"),
    (r"(?m)^credentials were refused.*$", "bold red"),
)


def echo_report(text: str, stream: IO[str]) -> None:
    """Write `text` and a newline to `stream`, styled when `stream` is a colour terminal."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, soft_wrap=True, highlight=False)
    if not console.is_terminal or console.color_system is None:
        stream.write(text + "\n")
        stream.flush()
        return
    styled = Text(text)
    for pattern, style in STYLES:
        styled.highlight_regex(pattern, style)
    console.print(styled)
