"""A token bucket per API key, in process: enough to stop one client starving the others.

Each replica limits on its own (N replicas allow N times the rate); a shared limiter belongs in
the ingress when that matters. Buckets of keys not seen for a while are dropped.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``rate`` tokens per second refill a bucket of ``burst``; a request takes one token."""

    IDLE_S = 600.0

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)
        self._lock = threading.Lock()
        self._last_sweep = clock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        """0.0 if the request may go; else the seconds until a token is back (Retry-After)."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if now - self._last_sweep > self.IDLE_S:
                self._sweep(now)
        return wait

    def _sweep(self, now: float) -> None:
        self._last_sweep = now
        for key in [k for k, (_, last) in self._buckets.items() if now - last > self.IDLE_S]:
            del self._buckets[key]

    @staticmethod
    def retry_after(wait: float) -> str:
        """Retry-After takes whole seconds; round up so that a retry then succeeds."""
        return str(max(1, math.ceil(wait)))
