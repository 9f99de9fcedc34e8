"""The fitter both shipped linear models are trained with: weighted, L2-regularised logistic regression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import minimize


def fit_logistic(
    features: Sequence[Mapping[str, float]], labels: Sequence[float], weights: Sequence[float],
    vocab: Mapping[str, int], l2: float, maxiter: int,
) -> dict[str, float]:
    """Feature name → weight for P(label = 1), each row counted `weight` times; the "bias"
    feature (in `vocab`) is not regularised. Features outside `vocab` are ignored."""
    data, ri, ci = [], [], []
    for i, row in enumerate(features):
        for k, v in row.items():
            j = vocab.get(k)
            if j is not None:
                data.append(v)
                ri.append(i)
                ci.append(j)
    x = sparse.csr_matrix((data, (ri, ci)), shape=(len(features), len(vocab)))
    y = np.asarray(labels, dtype=float)
    sw = np.asarray(weights, dtype=float)
    reg = np.ones(len(vocab))
    reg[vocab["bias"]] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        ll = -(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad = x.T @ (sw * (p - y)) + l2 * reg * w
        return float(ll + 0.5 * l2 * (reg * w * w).sum()), np.asarray(grad)

    res = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    return {k: float(res.x[i]) for k, i in vocab.items()}
