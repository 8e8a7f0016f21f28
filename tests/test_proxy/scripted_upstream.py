"""An upstream that answers with bytes the test writes: for HTTP the proxy must read correctly
(chunks, bodies ended by the connection, interim answers) or refuse clearly (garbage)."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from typing import Callable

# Given the raw request, the bytes to send back, and whether to close the connection afterwards;
# RESET instead of bytes aborts the connection with a TCP reset and no answer.
Script = Callable[[bytes], tuple[bytes, bool]]
RESET = b"<reset>"


class ScriptedUpstream:
    """A loopback server in its own thread; `requests` holds each request's head as it arrived."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(self.loop)  # connections still open: ended before the loop closes
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, server.wait_closed(), return_exceptions=True))
        self.loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                body = await reader.readexactly(length) if length else b""
                self.requests.append(head + body)
                answer, close = self.script(head + body)
                if answer is RESET:
                    linger_zero = struct.pack("ii", 1, 0)  # closing then sends a reset, not an orderly end
                    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
                    writer.transport.abort()
                    break
                writer.write(answer)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ScriptedUpstream":
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
