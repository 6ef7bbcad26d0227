"""The delivery worker's HTTP client: keep-alive connections to the peers (TLS as tls.py sets it
up), or a connection of its own for a streamed body."""

from __future__ import annotations

import http.client
from collections.abc import Iterable
from urllib.parse import urlsplit

from migrex.exchange import tls


class Http:
    """Keep-alive connections, one per peer origin."""

    def __init__(self, timeout: float = 30.0, stream_timeout: float = 600.0):
        self.timeout, self.stream_timeout = timeout, stream_timeout
        self._conns: dict[str, http.client.HTTPConnection] = {}

    def post(
        self,
        url: str,
        body: bytes | Iterable[bytes],
        content_type: str = "application/jose",
        length: int | None = None,
    ) -> tuple[int, bytes]:
        """POST `body`: bytes on a kept-alive connection (reconnecting once if the server had
        closed it), or an iterable of `length` bytes in all, streamed on a connection of its own
        (it cannot be sent twice)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        streamed = not isinstance(body, bytes)
        headers = {"Content-Type": content_type}
        if streamed:
            headers["Content-Length"] = str(length)
        for attempt in (2,) if streamed else (1, 2):
            conn = None if streamed else self._conns.get(origin)
            if conn is None:
                conn = tls.connection(parts, self.stream_timeout if streamed else self.timeout)
                if not streamed:
                    self._conns[origin] = conn
            try:
                conn.request("POST", parts.path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                if not streamed:
                    self._conns.pop(origin, None)
                if attempt == 2:
                    raise
            finally:
                if streamed:
                    conn.close()
        raise AssertionError("unreachable")
