"""Majority judgment (Balinski & Laraki, 2007): ranking options by their majority grade, pure math.

Grades are indices, 0 the best. A distribution is the number of votes (integers, so weights are
scaled to integers first) each grade received. The majority grade is the lower median: the best
grade that more than half of the votes reach or exceed. Ties are broken by the majority value:
remove one median vote from each tied option and compare again, until they differ. Removals with
the same median are done in blocks, so comparing two options costs O(grades · log votes).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import cmp_to_key
from math import lcm


def majority_grade(counts: Sequence[int]) -> int | None:
    """The lower median grade (0 = best), or None when nobody voted."""
    total = sum(counts)
    if total == 0:
        return None
    position = total // 2  # 0-based from the best; for an even total, the worse of the two middles
    seen = 0
    for grade, count in enumerate(counts):
        seen += count
        if seen > position:
            return grade
    raise AssertionError("unreachable")


def _median_stays(counts: Sequence[int], grade: int) -> int:
    """How many median votes can be removed one by one while the median stays `grade` (at least 1)."""
    better = sum(counts[:grade])
    total = sum(counts)
    same = counts[grade]

    def holds(removed: int) -> bool:
        half = (total - removed) // 2
        return better <= half < better + same - removed

    low, high = 1, same  # holds(0) is true: `grade` is the median now
    while low < high:  # largest k with holds(k - 1): both conditions only get worse as k grows
        middle = (low + high + 1) // 2
        if holds(middle - 1):
            low = middle
        else:
            high = middle - 1
    return low


def compare(a: Sequence[int], b: Sequence[int]) -> int:
    """> 0 when `a` ranks before `b`, < 0 after, 0 for a perfect tie (same majority value)."""
    a, b = list(a), list(b)
    while True:
        grade_a, grade_b = majority_grade(a), majority_grade(b)
        if grade_a is None or grade_b is None:
            return (grade_a is not None) - (grade_b is not None)
        if grade_a != grade_b:
            return 1 if grade_a < grade_b else -1
        step = min(_median_stays(a, grade_a), _median_stays(b, grade_b))
        a[grade_a] -= step
        b[grade_b] -= step


def majority_value(counts: Sequence[int]) -> list[int]:
    """The whole sequence of medians, removing one at a time (for explanations and tests)."""
    left = list(counts)
    sequence = []
    while (grade := majority_grade(left)) is not None:
        sequence.append(grade)
        left[grade] -= 1
    return sequence


def gauge(counts: Sequence[int]) -> tuple[Fraction, int | None, Fraction]:
    """(share strictly better than the majority grade, majority grade, share strictly worse)."""
    grade = majority_grade(counts)
    total = sum(counts)
    if grade is None:
        return Fraction(0), None, Fraction(0)
    return Fraction(sum(counts[:grade]), total), grade, Fraction(sum(counts[grade + 1:]), total)


def rank(distributions: dict[int, Sequence[int]]) -> list[tuple[int, int]]:
    """[(rank, key)] best first; tied options share a rank (1, 1, 3…). Keys break display order only."""
    keys = sorted(distributions, key=cmp_to_key(lambda x, y: -compare(distributions[x], distributions[y])
                                                  or (x > y) - (x < y)))
    ranked: list[tuple[int, int]] = []
    for index, key in enumerate(keys):
        if index and compare(distributions[keys[index - 1]], distributions[key]) == 0:
            ranked.append((ranked[-1][0], key))
        else:
            ranked.append((index + 1, key))
    return ranked


def integer_counts(weighted: dict[int, list[Fraction]]) -> dict[int, list[int]]:
    """Weighted distributions (Fractions) scaled by one common factor to integers, ranking unchanged."""
    denominators = [value.denominator for values in weighted.values() for value in values]
    factor = lcm(*denominators) if denominators else 1
    return {key: [int(value * factor) for value in values] for key, values in weighted.items()}
