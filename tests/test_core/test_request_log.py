"""The per-request log line: the same text as ever, written in batches, in order with other records."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import threading
from typing import Iterator

import httpx
import orjson
import pytest

from telemock.emulator import Config, create_app
from telemock.emulator.core import logs
from telemock.emulator.core.logs import BatchingHandler, RequestLine, configure_logging

NUMBER = "/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce?accesskey=voipbin_demo_accesskey"
TEXT_LINE = re.compile(
    r"^\d\d:\d\d:\d\d INFO    voipbin GET /voipbin/v1\.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce -> 200 \(\d+\.\d ms\)$"
)


@pytest.fixture
def telemock_logger() -> Iterator[logging.Logger]:
    """The `telemock` logger as configure_logging leaves it, restored afterwards."""
    logger = logging.getLogger("telemock")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield logger
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def configured(log_format: str) -> tuple[BatchingHandler, io.StringIO]:
    configure_logging(log_format, "info")
    handler = logging.getLogger("telemock").handlers[0]
    assert isinstance(handler, BatchingHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    return handler, stream


def get_number(times: int = 1, then_wait: float = 0.0) -> str:
    """GETs a number `times` on one event loop; what the log shows after `then_wait` seconds more."""
    handler = logging.getLogger("telemock").handlers[0]

    async def run() -> str:
        app = create_app(Config(providers=["voipbin"]))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            for _ in range(times):
                assert (await client.get(NUMBER)).status_code == 200
        await asyncio.sleep(then_wait)
        return handler.stream.getvalue()  # type: ignore[attr-defined]

    return asyncio.run(run())


def test_a_request_line_reads_as_before_and_arrives_within_the_flush_delay(telemock_logger) -> None:
    configured("text")
    assert get_number() == ""  # held for a moment: written with the lines that follow it
    first, second = get_number(then_wait=logs.FLUSH_AFTER_S * 4).splitlines()  # the one held, then this one
    assert TEXT_LINE.match(first) and TEXT_LINE.match(second), (first, second)


def test_json_lines_carry_the_structured_fields(telemock_logger) -> None:
    handler, stream = configured("json")
    get_number(2)
    handler.flush()
    first, second = (orjson.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "info" and first["logger"] == "telemock.requests"
    assert first["provider"] == "voipbin" and first["tenant"] == "demo" and first["operation"] == "numbers_get"
    assert first["status"] == 200 and isinstance(first["latency_ms"], float)
    assert first["message"].startswith("voipbin GET /voipbin/v1.0/numbers/") and first["message"].endswith(" ms)")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", first["time"])
    assert second["status"] == 200


def test_another_record_first_writes_the_request_lines_before_it(telemock_logger) -> None:
    handler, stream = configured("text")
    get_number(3)
    logging.getLogger("telemock.test").warning("after the requests")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4 and all(TEXT_LINE.match(line) for line in lines[:3])
    assert lines[3].endswith("WARNING after the requests")


def test_a_full_batch_is_written_at_once_and_a_thread_without_a_loop_writes_at_once(telemock_logger) -> None:
    handler, stream = configured("text")
    line = RequestLine(0.0, "gigs", "GET", "/gigs/x", 200, 1.25, "demo", "op")
    for _ in range(logs.MAX_PENDING):  # no event loop in this thread: each line is written at once
        logs.log_request(line)
    assert stream.getvalue().count("gigs GET /gigs/x -> 200 (1.2 ms)") == logs.MAX_PENDING

    written: list[int] = []

    def in_a_thread() -> None:
        logs.log_request(line)
        written.append(stream.getvalue().count("\n"))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(5)
    assert written == [logs.MAX_PENDING + 1]


def test_other_listeners_get_ordinary_records(telemock_logger) -> None:
    """A handler of the user's own (or a test's log capture) on the request logger sees every line as a record."""
    handler, stream = configured("text")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    logs.request_log.addHandler(keep)
    try:
        get_number()
    finally:
        logs.request_log.removeHandler(keep)
    (record,) = records
    assert record.levelno == logging.INFO and record.name == "telemock.requests"
    assert record.provider == "voipbin" and record.status == 200 and record.tenant == "demo"  # type: ignore[attr-defined]
    assert re.match(r"voipbin GET /voipbin/v1\.0/numbers/\S+ -> 200 \(\d+\.\d ms\)$", record.getMessage())
    assert TEXT_LINE.match(stream.getvalue().strip())  # the terminal still has it, through propagation


def test_no_line_below_info(telemock_logger) -> None:
    configure_logging("text", "warning")
    handler, stream = logging.getLogger("telemock").handlers[0], io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    get_number()
    handler.flush()
    assert stream.getvalue() == ""
