"""A real HTTP server on 127.0.0.1 for the scraper's tests, and the files its portals serve.

``Portal`` is a ``ThreadingHTTPServer`` on a free port in a thread; it records every request
(path, Host, headers, answer, time). Routes are exact request paths (query included). A
response may stall before its first byte (``Response.delay``): the stall ends early when the
portal shuts down, so a test never waits for a stall it has given up on.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import pikepdf

__all__ = [
    "CORPUS_PDF_DIR",
    "Portal",
    "Request",
    "Response",
    "corpus_pdf",
    "fake_xls",
    "fake_xlsx",
    "tiny_pdf",
]

# the four rebuilt corpus PDFs, from ../shared beside the repository (never the real/ ones)
CORPUS_PDF_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"
LAST_MODIFIED = formatdate(1706745600, usegmt=True)  # 2024-02-01
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def tiny_pdf(title: str) -> bytes:
    """A small valid one-page PDF whose bytes depend on ``title``."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def corpus_pdf(name: str) -> bytes:
    return (CORPUS_PDF_DIR / f"{name}.pdf").read_bytes()


def fake_xls(label: str) -> bytes:
    """An OLE compound-file header and filler: enough to pass the magic-byte check."""
    return OLE_MAGIC + b"\x00" * 504 + label.encode("utf-8") + b"\x00" * 1024


def fake_xlsx(label: str) -> bytes:
    """A ZIP local-file header and filler: what an .xlsx starts with."""
    return b"PK\x03\x04\x14\x00" + label.encode("utf-8") + b"\x00" * 512


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the first byte
    send_length: bool = True
    trickle: float = 0.0  # seconds between 1 KiB pieces of the body: a server that never quite stalls


@dataclass
class Request:
    path: str
    host: str
    headers: dict[str, str]
    status: int
    at: float


class Portal:
    """Routes by exact request path (query included); 404 for anything else."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[dict[str, str]], Response]] = {}
        self.requests: list[Request] = []
        self.hits: Counter = Counter()
        self._lock = threading.Lock()
        self.closing = threading.Event()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with portal._lock:
                    portal.hits[self.path] += 1
                route = portal.routes.get(self.path)
                response = route(headers) if route else Response(404, b"<html><body>404</body></html>")
                with portal._lock:
                    portal.requests.append(
                        Request(
                            self.path, headers.get("host", ""), headers, response.status, time.monotonic()
                        )
                    )
                if response.delay:
                    portal.closing.wait(response.delay)  # a stall, cut short when the portal closes
                try:
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    if response.send_length:
                        self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self._write(response)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up (timeout, size cap): that is the point

            def _write(self, response: Response) -> None:
                if not response.trickle:
                    self.wfile.write(response.body)
                    return
                for start in range(0, len(response.body), 1024):
                    if portal.closing.wait(response.trickle):
                        return
                    self.wfile.write(response.body[start : start + 1024])
                    self.wfile.flush()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    # -- content ----------------------------------------------------------------------------

    def page(self, path: str, html: str, charset: str = "utf-8", content_type: str | None = None) -> None:
        """An HTML page in ``charset``; the Content-Type says so unless ``content_type`` is given."""
        body = html.encode(charset)
        kind = content_type or f"text/html; charset={charset}"
        self.routes[path] = lambda _h: Response(200, body, {"Content-Type": kind})

    def file(self, path: str, body: bytes, content_type: str, **headers: str) -> None:
        """A static file with an ETag and Last-Modified that answers conditional GETs with 304."""
        self.routes[path] = lambda h: self._static(h, body, content_type, headers)

    def replace_file(self, path: str, body: bytes, content_type: str) -> None:
        self.file(path, body, content_type)

    @staticmethod
    def _static(request: dict[str, str], body: bytes, content_type: str, extra: dict[str, str]) -> Response:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": content_type, **extra}
        if request.get("if-none-match") == etag:
            return Response(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
        return Response(200, body, headers)

    def conditional_requests(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path and "if-none-match" in r.headers]
