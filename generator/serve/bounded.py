"""A threading server with a bound on its request threads, shared by ``serve`` and ``relay``.

A client that opens connections faster than they finish must not make the server start a
thread for each: beyond the bound a connection is answered at once (:meth:`refuse`, on the
accepting thread, so it must not wait) and closed.
"""

from __future__ import annotations

import socketserver
import threading
from typing import Any


class BoundedThreads(socketserver.ThreadingMixIn):
    """A :class:`socketserver.ThreadingMixIn` running at most ``limit`` request threads."""

    _slots: threading.BoundedSemaphore

    def bound_threads(self, limit: int) -> None:
        """Set the bound; call before serving."""
        self._slots = threading.BoundedSemaphore(limit)

    def refuse(self, request: Any) -> None:
        """Answer a connection beyond the bound (without reading it)."""
        raise NotImplementedError

    def accepted(self, request: Any) -> None:
        """A connection within the bound, before its thread starts."""

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.refuse(request)
            self.shutdown_request(request)  # type: ignore[attr-defined]
            return
        self.accepted(request)
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: nothing else gives the slot back
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
