"""Share rules: the usual share is the one at this hour and weekday; chance is not news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.detector import Bucket, binomial_tail, detect_share_jumps

HOUR = timedelta(hours=1)
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def grid(days: int, count: object) -> list[Bucket]:
    return [(START + h * HOUR, float(count(START + h * HOUR))) for h in range(days * 24)]  # type: ignore[operator]


def test_an_evening_share_that_is_usual_at_that_hour_is_no_jump() -> None:
    # Les Arcs's après-ski bars: every evening at 18:00 it holds 12 of the group's 20 mentions,
    # 2 of 20 the rest of the day. A weekly pooled share (about 14%) would call every evening a
    # jump; the usual share at 18:00 (60%) does not.
    arcs = grid(21, lambda t: 12 if t.hour == 18 else 2)
    rest = grid(21, lambda t: 8 if t.hour == 18 else 18)
    assert detect_share_jumps({"les-arcs": arcs, "others": rest}) == []


def test_a_jump_at_an_hour_where_it_is_unusual_is_found() -> None:
    arcs = grid(21, lambda t: 12 if t.hour == 18 else 2)
    rest = grid(21, lambda t: 8 if t.hour == 18 else 18)
    at = START + timedelta(days=20, hours=10)
    arcs = [(t, 12.0 if t == at else v) for t, v in arcs]
    rest = [(t, 8.0 if t == at else v) for t, v in rest]
    jumps = detect_share_jumps({"les-arcs": arcs, "others": rest})
    assert [(j.timestamp, j.territory) for j in jumps] == [(at, "les-arcs")]
    assert abs(jumps[0].expected_share - 0.1) < 1e-9


def test_a_negative_share_rise_that_chance_explains_is_no_surge() -> None:
    # One mention in five is negative. 6 of 12 in one hour is a rise of 30 points, yet chance
    # gives it about once in fifty such hours (p = 0.019): not at the 1% level. 6 of 7 is news.
    negative = grid(21, lambda t: 1)
    rest = grid(21, lambda t: 4)
    at = START + timedelta(days=20, hours=10)
    chance = detect_share_jumps(
        {"neg": [(t, 6.0 if t == at else v) for t, v in negative],
         "rest": [(t, 6.0 if t == at else v) for t, v in rest]}
    )
    assert chance == []
    news = detect_share_jumps(
        {"neg": [(t, 6.0 if t == at else v) for t, v in negative],
         "rest": [(t, 1.0 if t == at else v) for t, v in rest]}
    )
    assert [(j.timestamp, j.territory, j.count) for j in news] == [(at, "neg", 6)]
    # Without the test, the old rule (15 points, 5 mentions) would have called both.
    assert len(detect_share_jumps(
        {"neg": [(t, 6.0 if t == at else v) for t, v in negative],
         "rest": [(t, 6.0 if t == at else v) for t, v in rest]}, alpha=None)) == 1


def test_binomial_tail_is_exact() -> None:
    assert abs(binomial_tail(6, 7, 0.2) - (7 * 0.2**6 * 0.8 + 0.2**7)) < 1e-12
    assert binomial_tail(0, 5, 0.3) == 1.0 and binomial_tail(6, 5, 0.3) == 0.0
    assert abs(binomial_tail(6, 12, 0.2) - 0.0194) < 1e-3
