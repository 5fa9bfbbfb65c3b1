"""The content-addressed raw store: ``<raw>/scraped/<sha256>.<ext>``.

A file is stored once whatever URLs point to it. Downloads stream into a temporary file
inside the store folder and are hard-linked into place (atomic, and never over an existing
file), so a reader never sees half a file and a crash leaves only a ``.part`` file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from orchestration.raw_folder import PARTIAL_DOWNLOAD_SUFFIX

__all__ = ["PART_SUFFIX", "SCRAPED_DIR", "ContentStore", "StoredFile"]

SCRAPED_DIR = "scraped"
PART_SUFFIX = PARTIAL_DOWNLOAD_SUFFIX  # the raw folder's walk leaves these out
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
EXT_RE = re.compile(r"^[a-z0-9]{1,8}$")


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path
    new: bool  # False when the same bytes were already in the store


class ContentStore:
    """Files named by their sha256 under ``<raw_dir>/scraped``."""

    def __init__(self, raw_dir: str | Path):
        self.raw_dir = Path(raw_dir).resolve()
        self.root = self.raw_dir / SCRAPED_DIR

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str, ext: str) -> Path:
        # Both parts are checked here so no caller can build a path outside the store.
        if not SHA_RE.match(sha256) or not EXT_RE.match(ext):
            raise ValueError(f"not a content address: {sha256!r}.{ext!r}")
        return self.root / f"{sha256}.{ext}"

    def find(self, sha256: str) -> Path | None:
        """The stored file with this sha, whatever its extension, or None."""
        if not SHA_RE.match(sha256):
            return None
        return next(iter(sorted(self.root.glob(f"{sha256}.*"))), None)

    def commit(self, temp_path: Path, sha256: str, ext: str) -> StoredFile:
        """Move a finished temp file to its content address (or drop it if already stored)."""
        size = temp_path.stat().st_size
        target = self.path_for(sha256, ext)
        existing = self.find(sha256)
        if existing is not None:
            temp_path.unlink(missing_ok=True)
            return StoredFile(sha256, size, existing, new=False)
        os.chmod(temp_path, 0o644)
        try:
            # link() refuses to overwrite, so of two crawlers storing the same bytes at once
            # (threads or processes) exactly one sees new=True.
            os.link(temp_path, target)
        except FileExistsError:
            return StoredFile(sha256, size, target, new=False)
        finally:
            temp_path.unlink(missing_ok=True)
        return StoredFile(sha256, size, target, new=True)

    def put(self, data: bytes, ext: str) -> StoredFile:
        """Store bytes already in memory (a page kept as a document) the way a download is stored."""
        self.ensure()
        fd, name = tempfile.mkstemp(dir=self.root, suffix=PART_SUFFIX)
        with open(fd, "wb") as handle:
            handle.write(data)
        return self.commit(Path(name), hashlib.sha256(data).hexdigest(), ext)

    @staticmethod
    def discard(temp_path: Path | None) -> None:
        if temp_path is not None:
            temp_path.unlink(missing_ok=True)

    def relative(self, path: Path) -> str:
        """A stored path relative to the raw folder, as the manifest records it."""
        return path.resolve().relative_to(self.raw_dir).as_posix()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
