"""A token bucket per API key, kept in the store: every API replica draws from one bucket.

With several replicas behind a load balancer, a limit kept in each process would allow the rate
once per replica, and a client's requests would be limited by where they happened to land. The
bucket lives in the store instead (``Store.take_token``: one atomic read-refill-write), at the
cost of one small write per authenticated request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from cosy.store.base import Store


class RateLimiter:
    """``rate`` tokens per second refill a bucket of ``burst``; a request takes one token.

    The clock is wall time (``time.time``), not a monotonic one: the replicas sharing a bucket
    are different processes, often on different machines.
    """

    def __init__(self, store: Store, rate: float, burst: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        """0.0 if the request may go; else the seconds until a token is back (Retry-After)."""
        if not self.enabled:
            return 0.0
        return self.store.take_token(key, self.rate, self.burst, self._clock())

    @staticmethod
    def retry_after(wait: float) -> str:
        """Retry-After takes whole seconds; round up so that a retry then succeeds."""
        return str(max(1, math.ceil(wait)))
