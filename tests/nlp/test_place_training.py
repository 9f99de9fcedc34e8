"""How the place decision's cuts are chosen on training folds (nlp/train_places.py), on small sets of
candidates made up for these tests."""

from __future__ import annotations

import itertools

from nlp.place_model import Thresholds
from nlp.train_places import (
    CandidateRow,
    CutTable,
    DocRows,
    LabelledText,
    choose_thresholds,
    evaluate,
)


def doc(i: int, rows: list[tuple[int, int, bool, bool, bool]], places: list[tuple[int, int]],
        ignored: tuple[tuple[int, int], ...] = ()) -> DocRows:
    """A text of candidates (start, end, linked, watched, vouched) and its gold places."""
    text = LabelledText(f"t{i}", "test", "en", "x" * 100, places, list(ignored))
    return DocRows(text, [CandidateRow(s, e, {}, linked, None, watched, vouched) for s, e, linked, watched, vouched in rows])


def test_the_cut_table_counts_what_deciding_each_text_counts() -> None:
    docs = [
        # a linked place, an unlinked place, an unlinked false name, a name over an ignored span
        doc(0, [(0, 5, True, False, False), (10, 15, False, False, False), (20, 25, False, False, False),
                (30, 35, True, False, False)], [(0, 5), (10, 15)], [(30, 35)]),
        # two candidates over one gold place, a watched hit and a vouched one
        doc(1, [(0, 4, False, False, False), (2, 8, True, False, False), (40, 45, True, True, False),
                (50, 55, False, True, True)], [(0, 8), (40, 45), (50, 55), (60, 65)]),
    ]
    probs = [[0.9, 0.55, 0.62, 0.4], [0.3, 0.45, 0.33, 0.1]]
    table = CutTable(docs, probs)
    cuts = [0.2, 0.3, 0.35, 0.45, 0.5, 0.6, 0.7, 1.01]
    for place, unlinked in itertools.product(cuts, cuts):
        expected = evaluate(docs, probs, Thresholds(place, unlinked, min(place, 0.3), place))
        assert table.score(place, unlinked) == expected, (place, unlinked)


def test_a_lone_best_cut_among_far_worse_neighbours_is_not_chosen() -> None:
    """At 0.70 alone F1 is best (0.86), a hundredth either side it falls to 0.67 and 0.75; the cuts
    below score 0.75 all along. The choice averages each cut with its neighbours."""
    specs = [(0.95, True)] * 20 + [(0.70, True)] * 10 + [(0.695, False)] * 10 + [(0.40, True)] * 10 + [(0.40, False)] * 14
    docs = [doc(i, [(0, 5, True, False, False)], [(0, 5)] if gold else []) for i, (_, gold) in enumerate(specs)]
    probs = [[p] for p, _ in specs]
    f1 = {c: CutTable(docs, probs).score(c, c).f1 for c in (0.69, 0.70, 0.71)}
    assert f1[0.70] > max(f1[0.69], f1[0.71]) + 0.1
    assert choose_thresholds(docs, probs).place != 0.70
