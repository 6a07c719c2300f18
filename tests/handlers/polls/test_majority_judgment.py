"""Majority judgment against worked examples (Balinski & Laraki's definitions) and a brute-force reference."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from handlers.polls import majority_judgment as mj

TB, B, AB, P, INS, R = range(6)  # Très bien … À rejeter


def counts(*grades: int) -> list[int]:
    out = [0] * 6
    for grade in grades:
        out[grade] += 1
    return out


def test_majority_grade_is_the_lower_median() -> None:
    assert mj.majority_grade(counts(TB, B, AB)) == B  # odd: the middle grade
    assert mj.majority_grade(counts(TB, B, AB, P)) == AB  # even: the lower of the two middle grades
    assert mj.majority_grade(counts(TB, TB, R, R)) == R
    assert mj.majority_grade([0] * 6) is None


def test_majority_value_removes_one_median_at_a_time() -> None:
    # Sorted TB, B, AB, AB, P: medians AB, AB, then B (of TB B P), P (of TB P, the lower), TB.
    assert mj.majority_value(counts(TB, B, AB, AB, P)) == [AB, AB, B, P, TB]


def test_same_majority_grade_broken_by_the_majority_value() -> None:
    a = counts(TB, TB, B, P, P)  # median Bien, then Passable, then Très bien
    b = counts(B, B, B, P, P)  # median Bien, then Passable, then Bien
    assert mj.majority_grade(a) == mj.majority_grade(b) == B
    assert mj.compare(a, b) > 0 and mj.compare(b, a) < 0
    # The gauge says the same: a has as many above as below (2/5, 2/5), b only below (0, 2/5).
    assert mj.gauge(a) == (Fraction(2, 5), B, Fraction(2, 5))
    assert mj.gauge(b) == (Fraction(0), B, Fraction(2, 5))


def test_higher_majority_grade_wins_even_against_more_top_grades() -> None:
    # The method's point: a broad "Bien" beats a polarising option loved by a minority.
    consensual = counts(B, B, B, AB, AB)
    polarising = counts(TB, TB, R, R, R)
    assert mj.rank({1: polarising, 2: consensual}) == [(1, 2), (2, 1)]


def test_perfect_tie_shares_the_rank() -> None:
    ranking = mj.rank({1: counts(TB, B, P), 2: counts(AB, AB, AB), 3: counts(TB, B, P)})
    assert ranking == [(1, 1), (1, 3), (3, 2)]


def test_weighted_distributions_scale_to_integers() -> None:
    weighted = {1: [Fraction(1, 2), Fraction(1, 2), 0, 0, 0, Fraction(1)], 2: [0, Fraction(2), 0, 0, 0, 0]}
    assert mj.integer_counts(weighted) == {1: [1, 1, 0, 0, 0, 2], 2: [0, 4, 0, 0, 0, 0]}


@pytest.mark.parametrize("seed", range(30))
def test_block_comparison_equals_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    voters = rng.randint(1, 40)
    a = counts(*(rng.choice([TB, B, AB, AB, P, R]) for _ in range(voters)))
    b = counts(*(rng.choice([TB, B, B, AB, P, INS]) for _ in range(voters)))
    sa, sb = mj.majority_value(a), mj.majority_value(b)
    expected = (sa < sb) - (sa > sb)  # lexicographic on grade indices: smaller is better
    assert mj.compare(a, b) == expected
