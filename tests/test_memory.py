"""The run gives freed memory back before dbt starts (orchestration/memory.py)."""

from __future__ import annotations

import platform

import psutil
import pyarrow as pa
import pytest

from orchestration.definitions import build_definitions
from orchestration.memory import release_memory


def test_definitions_put_arrow_on_the_system_allocator():
    build_definitions()
    assert pa.default_memory_pool().backend_name == "system"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_release_memory_returns_a_fragmented_heap_to_the_system():
    me = psutil.Process()
    before = me.memory_info().rss
    # 80,000 blocks of 1 KiB (above pymalloc's 512 bytes: glibc's heap), the last one kept:
    # the heap top stays in use, so glibc cannot shrink it by itself.
    blocks = [bytes(1024) + bytes([i % 256]) for i in range(80_000)]
    keep = blocks[-1]
    del blocks
    held = me.memory_info().rss
    assert held - before > 50 * 2**20  # the freed blocks are still resident
    assert release_memory() == 1
    after = me.memory_info().rss
    assert held - after > 50 * 2**20
    assert keep[-1] == 79_999 % 256
