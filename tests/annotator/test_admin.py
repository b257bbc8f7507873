from __future__ import annotations

from django.urls import reverse

from annotator.models import Adjudication, Sentence
from sources.models import Outlet


def test_the_admin_lists_searches_and_filters_adjudications(client, seeds, admin_user, teacher):
    sentence = Sentence.objects.get(text__startswith="According to the Syrian Defense Ministry")
    Adjudication.objects.create(
        sentence=sentence,
        start=sentence.start,
        end=sentence.end,
        label="sourced",
        outlet=Outlet.objects.get(name="South Front"),
        cited_source="Syrian Defense Ministry",
        adjudicated_by=teacher,
    )
    client.force_login(admin_user)
    url = reverse("admin:annotator_adjudication_changelist")

    searched = client.get(url, {"q": "Defense Ministry"})
    nothing = client.get(url, {"q": "no-such-thing"})
    filtered = client.get(url, {"label__exact": "opinion"})

    assert searched.context["cl"].result_count == 1
    assert nothing.context["cl"].result_count == 0
    assert filtered.context["cl"].result_count == 0
