"""Give freed memory back to the system between the steps of a run.

A run's peak is while dbt (a subprocess) builds the marts: the dbt process plus whatever the
main process still holds from the parse, the checks and GE. Python frees those objects, but the
allocators keep the pages: pyarrow's jemalloc pool and glibc's heap. At 1,000 documents the
main process held ~110 MiB more at the dbt step after a cold run than after a forced re-run,
enough to carry the run over 1 GiB. Measured on one check_results pass over 1,000 documents:
406 MiB resident after closing the connection, 378 with Arrow on the system allocator, 355
after ``malloc_trim`` (docs/benchmarks.md).
"""

from __future__ import annotations

import ctypes
import gc

import pyarrow as pa

__all__ = ["release_memory", "use_system_arrow_pool"]


def use_system_arrow_pool() -> None:
    """Allocate Arrow buffers with malloc, so that ``release_memory`` can return them too
    (jemalloc keeps freed pages for reuse by Arrow alone)."""
    pa.set_memory_pool(pa.system_memory_pool())


def release_memory() -> int:
    """Collect garbage and ask glibc to return free heap pages (``malloc_trim``); returns 1 if
    glibc released memory, 0 if not or not on glibc."""
    gc.collect()
    # the process's own symbols, libc's among them (find_library would run ldconfig each call)
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    return int(trim(0)) if trim else 0
