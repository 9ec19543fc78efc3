"""Shared metric arithmetic (evaluation, UD scoring and training reports import it from here)."""
from __future__ import annotations


def f1_from(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
