"""What a downloaded file is: magic bytes against the name the server gave it.

The stored extension comes from this module's fixed table, never from the server, so a
hostile name (``../../x.pdf``) only ever reaches the manifest as text.
"""

from __future__ import annotations

import email.message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

__all__ = ["SNIFF_BYTES", "declared_extension", "disposition_filename", "judge", "sniff"]

SNIFF_BYTES = 2048  # enough of the head to tell PDF / OLE / ZIP / HTML apart
MAX_NAME_CHARS = 200

# kind -> magic prefix
MAGIC = {
    "pdf": (b"%PDF-",),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # legacy .xls / .doc / .wps / .et
    "zip": (b"PK\x03\x04",),  # .xlsx / .docx / .ofd / an archive of the files
    "rar": (b"Rar!\x1a\x07",),
}
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta", b"<title")

# declared extension -> kinds its bytes may be
EXPECTED_KINDS = {
    "pdf": {"pdf"},
    "xls": {"ole", "zip"},  # portals often serve an .xlsx under .xls
    "doc": {"ole", "zip"},
    "et": {"ole"},
    "wps": {"ole"},
    "xlsx": {"zip"},
    "docx": {"zip"},
    "ofd": {"zip"},  # China's fixed-layout format (GB/T 33190), a ZIP of XML
    "zip": {"zip"},
    "rar": {"rar"},
    "html": {"html"},
    "htm": {"html"},
    "shtml": {"html"},
    "jhtml": {"html"},
    "xhtml": {"html"},
}
# the extension a file is stored under, by kind (and the declared extension where it refines it)
STORED_EXTENSION = {"pdf": "pdf", "html": "html", "rar": "rar"}
OLE_EXTENSIONS = ("xls", "doc", "et", "wps")
ZIP_EXTENSIONS = ("xlsx", "docx", "xls", "doc", "ofd")


def sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes: pdf, ole, zip, rar, html, or None."""
    for kind, prefixes in MAGIC.items():
        if head.startswith(prefixes):
            return kind
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in text[:SNIFF_BYTES] for marker in HTML_MARKERS):
        return "html"
    return None


def disposition_filename(header: str | None) -> str | None:
    """The file name in a Content-Disposition header, reduced to a bare base name."""
    if not header:
        return None
    message = email.message.Message()
    message["content-disposition"] = _undo_latin1(header)
    name = message.get_filename()
    return _bare_name(name) if name else None


def _undo_latin1(header: str) -> str:
    """A header sent as raw UTF-8 or GBK bytes arrives read as Latin-1: read it again in its charset."""
    try:
        raw = header.encode("latin-1")
    except UnicodeEncodeError:
        return header  # already decoded as something else
    for charset in ("utf-8", "gb18030"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return header


def _bare_name(name: str) -> str | None:
    # Keep only the last path segment: "../" and "\\" can never climb out of anything.
    name = unquote(name).replace("\\", "/")
    base = PurePosixPath(name).name.strip().lstrip(".")
    base = "".join(ch for ch in base if ch.isprintable())[:MAX_NAME_CHARS]
    return base or None


def declared_extension(url: str, filename: str | None) -> str | None:
    """The extension the server claims, from Content-Disposition first, then the URL path."""
    for name in (filename, _bare_name(urlsplit(url).path)):
        if name and "." in name:
            ext = name.rsplit(".", 1)[1].lower()
            if ext in EXPECTED_KINDS:
                return ext
    return None


def judge(head: bytes, declared: str | None, content_type: str | None) -> tuple[str | None, str | None]:
    """Accept or reject a download: returns (stored extension, None) or (None, reason)."""
    kind = sniff(head)
    mime = (content_type or "").split(";")[0].strip().lower()
    if kind is None:
        return None, f"unknown_content: {mime or 'no content type'}"
    if declared is None and kind == "html":
        # A download link with no extension that answers HTML is, in practice, an error or
        # login page; an HTML table page is kept when its URL says .html / .htm / .shtml.
        return None, f"html_error_page: no declared type, got HTML ({mime or 'no content type'})"
    if declared is not None and kind not in EXPECTED_KINDS[declared]:
        if kind == "html":
            return None, f"html_error_page: declared .{declared}, got HTML ({mime or 'no content type'})"
        return None, f"content_mismatch: declared .{declared}, got {kind}"
    if kind == "ole":
        return (declared if declared in OLE_EXTENSIONS else "ole"), None
    if kind == "zip":
        if declared in ("xls", "doc"):
            declared += "x"
        return (declared if declared in ZIP_EXTENSIONS else "zip"), None
    return STORED_EXTENSION[kind], None
