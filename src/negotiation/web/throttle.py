"""A token bucket per player: a burst of messages is fine, a flood is dropped."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

BURST = 20  # messages at once: a few clicks and a reconnect's hello
RATE = 5.0  # messages per second after the burst


@dataclass
class Bucket:
    burst: float = BURST
    rate: float = RATE
    clock: Callable[[], float] = time.monotonic
    tokens: float = BURST
    stamp: float = field(default=-1.0)
    dropped: int = 0

    def ready(self) -> bool:
        """Whether a message would be allowed now (nothing is taken)."""
        now = self.clock()
        if self.stamp >= 0:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1.0

    def allow(self) -> bool:
        """Take one token if there is one; count the message as dropped otherwise."""
        if self.ready():
            self.tokens -= 1.0
            return True
        self.dropped += 1
        return False


class Throttle:
    """One bucket per key (a player id, a client address)."""

    def __init__(self, burst: float = BURST, rate: float = RATE, clock: Callable[[], float] = time.monotonic):
        self.burst, self.rate, self.clock = burst, rate, clock
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, key: str) -> Bucket:
        if key not in self.buckets:
            self.buckets[key] = Bucket(self.burst, self.rate, self.clock, self.burst)
        return self.buckets[key]

    def allow(self, key: str) -> bool:
        return self.bucket(key).allow()
