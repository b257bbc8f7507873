"""The agreement figures against published worked examples and against independent
implementations (the `krippendorff` package, scikit-learn, statsmodels) on random data."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, precision_score, recall_score
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.stats.agreement import (
    cohen_kappa,
    confusion_matrix,
    entropy,
    fleiss_kappa,
    fleiss_kappa_of,
    krippendorff_alpha,
    one_against_rest,
    pairwise,
    percent_agreement,
    precision_recall,
    reliability,
)

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", C.: nominal data,
# 4 observers, 12 units, missing values; published alpha = 0.743.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters,
# 5 categories; published P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

LABELS = ["sourced", "unsourced", "opinion", "speculation"]


def test_krippendorffs_alpha_reproduces_the_published_nominal_example():
    assert round(krippendorff_alpha(KRIPPENDORFF_EXAMPLE), 3) == 0.743


def test_krippendorffs_alpha_ignores_units_with_a_single_value():
    # Unit 12 has one value only: removing it changes nothing.
    without_unit_12 = [row[:11] for row in KRIPPENDORFF_EXAMPLE]

    assert krippendorff_alpha(without_unit_12) == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_EXAMPLE)
    )


def test_fleiss_kappa_reproduces_the_published_worked_example():
    assert round(fleiss_kappa(FLEISS_EXAMPLE), 3) == 0.210
    assert fleiss_kappa(FLEISS_EXAMPLE) == pytest.approx(0.20993, abs=1e-5)


def test_cohens_kappa_reproduces_the_textbook_example():
    # 50 cases: both yes 20, A yes B no 5, A no B yes 10, both no 15: p_o 0.7, p_e 0.5.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15

    assert percent_agreement(a, b) == pytest.approx(0.7)
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_fleiss_kappa_refuses_units_with_different_numbers_of_ratings():
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([[2, 1], [1, 1]])


def test_figures_are_none_where_they_are_undefined():
    assert percent_agreement([N, "a"], ["b", N]) is None
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # one value only: nothing to agree on
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert krippendorff_alpha([["a", N], [N, "b"]]) is None
    assert fleiss_kappa([]) is None
    assert pairwise([["a", N]]).percent is None


def test_perfect_agreement_is_one_and_systematic_disagreement_is_below_zero():
    a = ["sourced", "opinion", "speculation", "unsourced"]
    swapped = ["opinion", "sourced", "unsourced", "speculation"]

    assert krippendorff_alpha([a, a, a]) == pytest.approx(1.0)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa(a, swapped) < 0
    assert krippendorff_alpha([a, swapped]) < 0


def test_missing_values_count_only_where_both_coders_have_one():
    a = ["sourced", "opinion", N, "opinion"]
    b = ["sourced", N, "speculation", "sourced"]

    assert percent_agreement(a, b) == pytest.approx(0.5)
    assert confusion_matrix(a, b, LABELS) == [[1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0] * 4]


def test_fleiss_kappa_of_reliability_data_uses_the_units_every_coder_coded():
    data = [["a", "b", "a", N], ["a", "b", "b", "a"], ["a", "a", "b", "a"]]

    kappa, used = fleiss_kappa_of(data)

    assert used == 3
    assert kappa == pytest.approx(fleiss_kappa([[3, 0], [1, 2], [1, 2]]))


def test_per_label_figures_put_each_label_against_the_rest():
    data = [["sourced", "opinion", "opinion"], ["sourced", "speculation", "opinion"]]

    figures = reliability(data, labels=["sourced", "opinion"])

    assert one_against_rest(data, "sourced")[1] == ["label", "other", "other"]
    assert figures.per_label["sourced"].alpha == pytest.approx(1.0)
    assert figures.per_label["opinion"].alpha < 1.0
    assert figures.units == 3 and figures.coders == 2 and figures.values == 6


def test_entropy_is_zero_for_consensus_and_one_bit_for_an_even_split():
    assert entropy(["opinion"] * 4 + [N]) == 0.0
    assert entropy(["opinion", "sourced"]) == pytest.approx(1.0)
    assert entropy(LABELS) == pytest.approx(2.0)


# Independent implementations, on random data with a fixed seed. --------------------


def random_reliability_data(rng: random.Random, *, coders: int, units: int, missing: float):
    """Coders who mostly agree with a hidden truth, with some values missing."""
    truth = [rng.randrange(4) for _ in range(units)]
    return [
        [
            None
            if rng.random() < missing
            else (t if rng.random() < rng.uniform(0.4, 0.9) else rng.randrange(4))
            for t in truth
        ]
        for _ in range(coders)
    ]


@pytest.mark.parametrize("seed", range(25))
def test_krippendorffs_alpha_matches_the_krippendorff_package(seed):
    rng = random.Random(seed)
    data = random_reliability_data(
        rng, coders=rng.randint(2, 8), units=rng.randint(5, 60), missing=rng.uniform(0, 0.4)
    )
    as_array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)

    ours = krippendorff_alpha(data)
    theirs = krippendorff.alpha(
        reliability_data=as_array, level_of_measurement="nominal", value_domain=[0, 1, 2, 3]
    )

    assert ours == pytest.approx(theirs, abs=1e-9)


def test_the_krippendorff_package_agrees_on_the_published_example_too():
    as_array = np.array(
        [[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_EXAMPLE], dtype=float
    )

    assert krippendorff.alpha(as_array, level_of_measurement="nominal") == pytest.approx(
        krippendorff_alpha(KRIPPENDORFF_EXAMPLE)
    )


@pytest.mark.parametrize("seed", range(25))
def test_cohens_kappa_and_the_confusion_matrix_match_scikit_learn(seed):
    rng = random.Random(seed)
    a, b = random_reliability_data(rng, coders=2, units=rng.randint(5, 80), missing=0.0)
    a = [LABELS[v] for v in a]
    b = [LABELS[v] for v in b]

    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert confusion_matrix(a, b, LABELS) == sk_confusion_matrix(a, b, labels=LABELS).tolist()


@pytest.mark.parametrize("seed", range(10))
def test_precision_and_recall_match_scikit_learn(seed):
    rng = random.Random(seed)
    key, answers = random_reliability_data(rng, coders=2, units=60, missing=0.0)
    key = [LABELS[v] for v in key]
    answers = [LABELS[v] for v in answers]

    ours = {s.label: s for s in precision_recall(key, answers, LABELS)}
    precision = precision_score(key, answers, labels=LABELS, average=None, zero_division=np.nan)
    recall = recall_score(key, answers, labels=LABELS, average=None, zero_division=np.nan)

    for label, p, r in zip(LABELS, precision, recall, strict=True):
        assert (math.nan if ours[label].precision is None else ours[label].precision) == (
            pytest.approx(p, nan_ok=True)
        )
        assert (math.nan if ours[label].recall is None else ours[label].recall) == pytest.approx(
            r, nan_ok=True
        )


@pytest.mark.parametrize("seed", range(25))
def test_fleiss_kappa_matches_statsmodels(seed):
    rng = random.Random(seed)
    data = random_reliability_data(rng, coders=rng.randint(2, 9), units=40, missing=0.0)
    table, _ = aggregate_raters(np.array(data).T, n_cat=4)

    assert fleiss_kappa(table.tolist()) == pytest.approx(sm_fleiss_kappa(table), abs=1e-9)
    assert fleiss_kappa_of(data)[0] == pytest.approx(sm_fleiss_kappa(table), abs=1e-9)


def test_statsmodels_agrees_on_the_published_fleiss_example_too():
    assert sm_fleiss_kappa(np.array(FLEISS_EXAMPLE)) == pytest.approx(fleiss_kappa(FLEISS_EXAMPLE))


@pytest.mark.parametrize("seed", range(10))
def test_mean_pairwise_figures_match_scikit_learn_pair_by_pair(seed):
    rng = random.Random(seed)
    data = random_reliability_data(rng, coders=4, units=30, missing=0.0)
    pairs = [(data[i], data[j]) for i in range(4) for j in range(i + 1, 4)]

    figures = pairwise(data)

    assert figures.pairs == 6
    assert figures.cohen == pytest.approx(
        sum(cohen_kappa_score(a, b) for a, b in pairs) / 6, abs=1e-9
    )
    assert figures.percent == pytest.approx(
        sum(np.mean(np.array(a) == np.array(b)) for a, b in pairs) / 6
    )
