"""Work spread over hosts: each host has its own workers, so a slow host never holds the others.

With one shared pool, a host that stalls fills every worker with requests waiting for it
(its per-host slots are taken) and the other hosts' work queues behind them. Here each
host gets ``concurrency`` threads of its own; results come back in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import TypeVar
from urllib.parse import urlsplit

__all__ = ["map_per_host"]

Item = TypeVar("Item")
Result = TypeVar("Result")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def map_per_host(
    work: Callable[[Item], Result],
    items: Iterable[Item],
    url_of: Callable[[Item], str],
    concurrency: int,
    name: str = "scrape",
) -> list[Result]:
    """``[work(item) for item in items]``, run ``concurrency`` at a time per host of ``url_of(item)``."""
    items = list(items)
    futures: list[Future] = []
    with ExitStack() as stack:
        pools: dict[str, ThreadPoolExecutor] = {}
        for item in items:
            host = host_of(url_of(item))
            if host not in pools:
                pools[host] = stack.enter_context(
                    ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"{name}-{host}")
                )
            futures.append(pools[host].submit(work, item))
        return [future.result() for future in futures]
