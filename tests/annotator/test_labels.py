from __future__ import annotations

import pytest
from django.urls import reverse

from annotator.labels import GUIDE
from annotator.models import Label, Sentence


def test_the_guide_covers_every_label_once_with_distinct_letters_and_keys():
    assert [g.label for g in GUIDE] == Label.values
    assert len({g.letter for g in GUIDE}) == len({g.key for g in GUIDE}) == 4


@pytest.mark.parametrize("guide", GUIDE, ids=[g.label for g in GUIDE])
def test_each_example_is_a_whole_sentence_of_the_seed_it_names(seeds, guide):
    seed = guide.example_source.split()[1]

    assert Sentence.objects.filter(article=seeds[seed], text=guide.example).exists()


def test_the_guidelines_page_shows_each_definition_and_example(client, seeds, student):
    client.force_login(student)
    page = client.get(reverse("guidelines")).content.decode()

    for guide in GUIDE:
        assert guide.name in page
        assert guide.example in page
