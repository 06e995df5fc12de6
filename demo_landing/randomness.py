"""The seeded random streams and the distributions drawn from them."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RandomStreams:
    """One stream per concern, so that more draws in one (say, calls) leave the others' draws unchanged."""

    people: random.Random
    arrivals: random.Random
    tickets: random.Random
    calls: random.Random
    feedback: random.Random

    @classmethod
    def from_seed(cls, seed: int) -> RandomStreams:
        return cls(
            people=random.Random(f"{seed}:people"),
            arrivals=random.Random(f"{seed}:arrivals"),
            tickets=random.Random(f"{seed}:tickets"),
            calls=random.Random(f"{seed}:calls"),
            feedback=random.Random(f"{seed}:feedback"),
        )


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    """One value of (value, weight) pairs, drawn in proportion to the weights."""
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
