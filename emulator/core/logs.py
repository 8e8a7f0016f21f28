"""Log set-up: readable text by default, one JSON object per line for log collectors.

Every request writes one line (`telemock serve` at level info). Formatting a `LogRecord` and
writing and flushing it on each request cost about a quarter of the server's throughput, so the
request line takes a shorter road when the log is the one `configure_logging` set up: the
request path keeps a tuple of facts, and the handler formats the lines a batch at a time and
writes them with one write, a moment later (`FLUSH_AFTER_S`) or as soon as another record,
a full batch or the end of the process comes. Where anything else listens to the `telemock`
loggers (a test's log capture, a user's handler), each request line is an ordinary record.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from datetime import datetime, timezone
from typing import IO, Any, NamedTuple

import orjson

STRUCTURED_FIELDS = ("provider", "tenant", "operation", "status", "latency_ms", "violations", "not_emulated")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"
TEXT_DATE_FORMAT = "%H:%M:%S"
FLUSH_AFTER_S = 0.05  # a request line reaches the terminal within this
MAX_PENDING = 512  # lines held at most before they are written

request_log = logging.getLogger("telemock.requests")


class RequestLine(NamedTuple):
    """The facts of one request's log line, kept until its batch is written."""

    created: float
    provider: str
    method: str
    path: str
    status: int
    latency_ms: float
    tenant: str | None
    operation: str | None
    not_emulated: str | None = None  # the operation asked for that telemock does not emulate

    @property
    def message(self) -> str:
        text = f"{self.provider} {self.method} {self.path} -> {self.status} ({self.latency_ms:.1f} ms)"
        return f"{text}, not emulated: {self.not_emulated}" if self.not_emulated else text

    def fields(self) -> dict[str, Any]:
        """The structured fields of the line (`not_emulated` only where there is one)."""
        fields = {"provider": self.provider, "tenant": self.tenant, "operation": self.operation,
                  "status": self.status, "latency_ms": self.latency_ms}
        if self.not_emulated:
            fields["not_emulated"] = self.not_emulated
        return fields

    def record(self) -> logging.LogRecord:
        """The line as the `LogRecord` an ordinary `log.info` would have made."""
        record = request_log.makeRecord(
            request_log.name, logging.INFO, __file__, 0, "%s", (self.message,), None, extra=self.fields(),
        )
        record.created = self.created
        record.msecs = int((self.created - int(self.created)) * 1000)
        return record


def log_request(line: RequestLine) -> None:
    """Logs one request at level info: batched when the log is telemock's own, else as a record."""
    if not request_log.isEnabledFor(logging.INFO):
        return
    handler = batching_handler()
    if handler is None:
        request_log.handle(line.record())
    else:
        handler.add(line)


def batching_handler() -> "BatchingHandler | None":
    """The handler `configure_logging` installed, if it alone hears `telemock.requests` at info."""
    if request_log.handlers or request_log.filters or not request_log.propagate:
        return None
    parent = request_log.parent
    if parent is None or parent.name != "telemock" or parent.propagate or parent.filters:
        return None
    handlers = parent.handlers
    if len(handlers) != 1:
        return None
    handler = handlers[0]
    if type(handler) is not BatchingHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler


class TextFormatter(logging.Formatter):
    """`HH:MM:SS LEVEL   message`; a request line is formatted without a record."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, TEXT_DATE_FORMAT)
        self._second = -1
        self._stamp = ""

    def request_line(self, line: RequestLine) -> str:
        second = int(line.created)
        if second != self._second:  # one strftime per second of lines, not per line
            self._second = second
            self._stamp = time.strftime(TEXT_DATE_FORMAT, self.converter(second))
        return f"{self._stamp} INFO    {line.message}"


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": iso_time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in STRUCTURED_FIELDS:
            if hasattr(record, name):
                payload[name] = getattr(record, name)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(payload).decode()

    def request_line(self, line: RequestLine) -> str:
        return orjson.dumps({
            "time": iso_time(line.created), "level": "info", "logger": request_log.name, "message": line.message,
            **line.fields(),
        }).decode()


def iso_time(created: float) -> str:
    return datetime.fromtimestamp(created, tz=timezone.utc).isoformat(timespec="milliseconds")


class BatchingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes request lines in batches and every other record at once.

    Order is kept: a record written at once first writes the request lines before it.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self._pending: list[RequestLine] = []
        self._scheduled: asyncio.TimerHandle | None = None
        self._scheduled_on: asyncio.AbstractEventLoop | None = None

    def add(self, line: RequestLine) -> None:
        pending = self._pending
        pending.append(line)
        if len(pending) >= MAX_PENDING:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop in this thread: nothing would flush later
            self.flush()
            return
        if self._scheduled is None or self._scheduled_on is not loop:  # none yet, or on a loop that ended
            self._scheduled = loop.call_later(FLUSH_AFTER_S, self.flush)
            self._scheduled_on = loop

    def flush(self) -> None:
        self.acquire()
        try:
            scheduled, self._scheduled, self._scheduled_on = self._scheduled, None, None
            if scheduled is not None:
                scheduled.cancel()
            pending, self._pending = self._pending, []
            if pending:
                self._write("".join(self._line(line) + self.terminator for line in pending))
            super().flush()
        finally:
            self.release()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record) + self.terminator
            self.acquire()
            try:
                pending, self._pending = self._pending, []
                if pending:  # the request lines that came before it go first
                    text = "".join(self._line(line) + self.terminator for line in pending) + text
                self._write(text)
                super().flush()
            finally:
                self.release()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def _line(self, line: RequestLine) -> str:
        formatter: Any = self.formatter
        if hasattr(formatter, "request_line"):
            return formatter.request_line(line)
        return self.format(line.record())

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except (OSError, ValueError):  # a closed terminal or pipe: the log is lost, the server goes on
            pass


def flush_request_lines() -> None:
    """Writes the request lines still held (a server that stops writes them before it ends)."""
    handler = batching_handler()
    if handler is not None:
        handler.flush()


def configure_logging(log_format: str = "text", level: str = "info") -> None:
    handler = BatchingHandler(sys.stderr)
    handler.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger("telemock")
    for old in root.handlers:
        old.flush()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
