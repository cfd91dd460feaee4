"""A TCP proxy in front of ejabberd's WebSocket ports: a bad network, or a load balancer."""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    """Forward 127.0.0.1:<port> to the first target port that accepts; `cut()` drops everything.

    With several targets it acts as a load balancer in front of cluster nodes: a
    connection goes to the first node that is up.
    """

    def __init__(self, *target_ports: int) -> None:
        self.target_ports = target_ports
        self.port = 0
        self.accepted = 0
        self.last_target = 0
        self.refusing = False
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        """Listen on a free port and return it."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    def hold(self) -> None:
        """Drop new connections until restore(), as a balancer that has not yet seen a node die."""
        self.refusing = True

    def cut(self) -> None:
        """Abort every open connection and drop new ones until restore()."""
        self.hold()
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()

    def restore(self) -> None:
        """Let new connections through again."""
        self.refusing = False

    async def close(self) -> None:
        """Stop listening and drop everything."""
        self.cut()
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        upstream = await self._open_upstream()
        if upstream is None:
            writer.transport.abort()
            return
        up_reader, up_writer = upstream
        self.accepted += 1
        pair = (writer.transport, up_writer.transport)
        self._transports.update(pair)
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        self._pumps.update(pumps)
        try:
            await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            self._pumps.difference_update(pumps)
            for transport in pair:
                self._transports.discard(transport)
                transport.abort()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for port in self.target_ports:
            try:
                upstream = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            self.last_target = port
            return upstream
        return None

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.transport.abort()
