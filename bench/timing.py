"""Latency percentiles shared by the benchmarks that time whole requests."""


def percentile(values: list[float], share: float) -> float:
    """The observed value at `share` (0.5 for p50) of the sorted values: nearest rank, no interpolation."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
