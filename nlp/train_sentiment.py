"""Train the English sentiment model on the MIT-licensed VADER ratings: `python -m nlp.train_sentiment`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from nlp.linear import features, save_weights
from nlp.sentiment import MODEL_EN, vader_en_scores

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "sentiment"
L2 = 4.0
MIN_COUNT = 2


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The rated texts (rating in [-4, 4]); near-zero ratings carry no sign and are left out."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if abs(float(r["rating"])) >= 0.25]


def fit(rows: Sequence[dict[str, Any]], l2: float = L2) -> dict[str, float]:
    """L2-regularised logistic regression on the sign of the rating, weighted by its strength."""
    feats = [features(r["text"], vader_en_scores(r["text"])) for r in rows]
    counts = Counter(k for f in feats for k in f)
    vocab = {k: i for i, k in enumerate(sorted(k for k, c in counts.items() if c >= MIN_COUNT))}
    data, ri, ci = [], [], []
    for i, f in enumerate(feats):
        for k, v in f.items():
            j = vocab.get(k)
            if j is not None:
                data.append(v)
                ri.append(i)
                ci.append(j)
    x = sparse.csr_matrix((data, (ri, ci)), shape=(len(feats), len(vocab)))
    y = np.array([1.0 if float(r["rating"]) > 0 else 0.0 for r in rows])
    sw = np.array([min(3.0, abs(float(r["rating"]))) for r in rows])
    reg = np.ones(len(vocab))
    reg[vocab["bias"]] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        ll = -(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad = x.T @ (sw * (p - y)) + l2 * reg * w
        return float(ll + 0.5 * l2 * (reg * w * w).sum()), np.asarray(grad)

    res = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return {k: float(res.x[i]) for k, i in vocab.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA / "en_vader_ratings.jsonl")
    parser.add_argument("--out", type=Path, default=MODEL_EN)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if not args.data.exists():
        print(f"training data not found: {args.data}", file=sys.stderr)
        return 2
    rows = load_rows(args.data)
    weights = fit(rows)
    meta = {
        "trained_on": "en_vader_ratings.jsonl (Hutto & Gilbert 2014, MIT)",
        "rows": len(rows),
        "l2": L2,
        "min_count": MIN_COUNT,
    }
    save_weights(args.out, weights, meta)
    logger.info("wrote %s (%d weights)", args.out, len(weights))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
