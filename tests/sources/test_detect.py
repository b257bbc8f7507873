from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from annotator.services.imports import import_article
from annotator.services.seeds import read_manifest
from sources.models import Outlet
from sources.selectors.detect import OutletIndex, detect_outlets
from sources.services.outlets import UnknownOutlet, normalize_domain, resolve_outlet, save_outlet

SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture
def outlets(db):
    for outlet in read_manifest()["outlets"]:
        save_outlet(**outlet)
    return {o.name: o for o in Outlet.objects.all()}


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("seed", "publisher", "publisher_signal", "origin", "origin_signal"),
    [
        ("000", "South Front", '"southfront.org" named', "South Front", "same as publisher"),
        ("001", "Global Research", '"globalresearch.ca" named', "South Front", "Articles by:"),
        ("003", "Elijah J. Magnier", "same as origin", "Elijah J. Magnier", "by Elijah J. Magnier"),
        ("004", "21st Century Wire", '"21WIRE.TV" named', "South Front", "South Front reports"),
    ],
)
def test_it_detects_publisher_and_origin_from_the_seed_texts(
    outlets, seed, publisher, publisher_signal, origin, origin_signal
):
    article = import_article(text=seed_text(seed)).article

    assert (article.publisher.name, article.origin.name) == (publisher, origin)
    assert publisher_signal in article.publisher_signal
    assert origin_signal in article.origin_signal


def test_a_text_without_signals_gets_no_outlet(outlets):
    article = import_article(text=seed_text("002")).article

    assert article.publisher is None and article.origin is None
    assert article.publisher_signal == article.origin_signal == ""


def test_an_explicit_outlet_wins_over_detection(outlets):
    article = import_article(text=seed_text("001"), publisher=outlets["21st Century Wire"]).article

    assert article.publisher.name == "21st Century Wire"
    assert article.publisher_signal == "given"
    assert article.origin.name == "South Front"  # still detected from the credit line


def test_the_last_republisher_named_in_the_boilerplate_is_the_publisher(outlets):
    paragraphs = [
        ("Syrian troops advanced.", "body"),
        ("Please support the project: http://southfront.org/donate/", "boilerplate"),
        ("Articles by: South Front", "byline"),
        ("Disclaimer: The Centre for Research on Globalization is not responsible.", "boilerplate"),
    ]
    found = detect_outlets(paragraphs, OutletIndex.load())

    assert found.origin.name == "South Front"
    assert found.publisher.name == "Global Research"
    assert '"Centre for Research on Globalization" named in' in found.publisher_signal


def test_outlet_names_inside_body_text_are_not_signals(outlets):
    paragraphs = [("Global Research and South Front both covered the battle.", "body")]

    found = detect_outlets(paragraphs, OutletIndex.load())

    assert found.publisher is None and found.origin is None


@pytest.mark.parametrize(
    "value",
    [
        "South Front",
        "south front",
        "south-front",
        "SouthFront",
        "southfront.org",
        "https://www.southfront.org/some/page",
    ],
)
def test_it_resolves_an_outlet_by_name_slug_alias_or_domain(outlets, value):
    assert resolve_outlet(value).name == "South Front"


def test_an_unknown_outlet_name_is_an_error_naming_the_known_ones(outlets):
    with pytest.raises(UnknownOutlet, match=r"unknown outlet 'Daily Planet'.*South Front"):
        resolve_outlet("Daily Planet")


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("southfront.org", "southfront.org"),
        ("WWW.SouthFront.org", "southfront.org"),
        ("https://www.globalresearch.ca/article/123", "globalresearch.ca"),
        ("21wire.tv.", "21wire.tv"),
    ],
)
def test_it_normalizes_domains(value, domain):
    assert normalize_domain(value) == domain


def test_saving_an_outlet_twice_changes_nothing(outlets):
    spec = read_manifest()["outlets"][0]
    before = list(Outlet.objects.values_list("id", "name", "slug"))

    save_outlet(**spec)

    assert list(Outlet.objects.values_list("id", "name", "slug")) == before
    outlet = Outlet.objects.get(name=spec["name"])
    assert sorted(a.name for a in outlet.aliases.all()) == sorted(spec["aliases"])
