"""An annotated corpus on the seeds, shared by the export and import tests.

Three reviewers and a teacher tag claims of seeds 000, 001, 002 and 004 so that every
case of the consensus rule occurs: a majority, a tie (disputed), an adjudicated claim,
a span inside a sentence, a comment, and a note that a spreadsheet would run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from annotator.models import Article, Sentence
from annotator.services.adjudication import adjudicate
from annotator.services.tagging import tag_claim
from core.auth.roles import REVIEWERS
from sources.models import Outlet
from tests.factories import make_user

INJECTION = '=HYPERLINK("http://example.org/x","click")'


def sentence_starting(article: Article, prefix: str) -> Sentence:
    return Sentence.objects.get(article=article, text__startswith=prefix)


@dataclass
class Corpus:
    seeds: dict[str, Article]
    reviewers: list
    teacher: object
    majority: Sentence  # 001: sourced 2 of 3
    tie: Sentence  # 001: unsourced vs speculation
    adjudicated: Sentence  # 000: speculation vs opinion, adjudicated speculation
    span: tuple[int, int]  # 001: a span inside `majority`, unsourced by student1
    framing: Sentence  # 004: opinion attributed to 21st Century Wire, note with a formula
    comment: Sentence  # 002: a reader comment, opinion
    teacher_tag: Sentence  # 003: tagged by the teacher only (group Editors)

    @property
    def tag_count(self) -> int:
        return 3 + 2 + 2 + 1 + 1 + 1 + 1


@pytest.fixture
def corpus(seeds, teacher, student, other_student, django_user_model) -> Corpus:
    third = make_user("student3", REVIEWERS)
    s001, s000 = seeds["001"], seeds["000"]
    wire = Outlet.objects.get(name="21st Century Wire")

    majority = sentence_starting(s001, "According to the Syrian Defense Ministry")
    tag_claim(
        sentence=majority,
        reviewer=student,
        label="sourced",
        cited_source="Syrian Defense Ministry",
    )
    tag_claim(
        sentence=majority, reviewer=other_student, label="sourced", cited_source="the ministry"
    )
    tag_claim(sentence=majority, reviewer=third, label="opinion")
    span_start = majority.start + majority.text.index("28 terrorists")
    tag_claim(
        sentence=majority,
        reviewer=student,
        label="unsourced",
        start=span_start,
        end=majority.end,
        note="the numbers are the ministry's",
    )

    tie = sentence_starting(s001, "The SAA is advancing towards")
    tag_claim(sentence=tie, reviewer=student, label="unsourced")
    tag_claim(sentence=tie, reviewer=other_student, label="speculation")

    adjudicated = sentence_starting(s000, "Thus, the US-led coalition may even decide")
    tag_claim(sentence=adjudicated, reviewer=student, label="speculation")
    tag_claim(sentence=adjudicated, reviewer=other_student, label="opinion")
    adjudicate(sentence=adjudicated, label="speculation", by=teacher, note="hedged: may")

    framing = Sentence.objects.filter(article=seeds["004"], section="body").order_by("position")[0]
    tag_claim(sentence=framing, reviewer=student, label="opinion", outlet=wire, note=INJECTION)

    comment = Sentence.objects.filter(article=seeds["002"], section="comment").order_by("position")[
        0
    ]
    tag_claim(sentence=comment, reviewer=other_student, label="opinion")

    teacher_tag = Sentence.objects.filter(article=seeds["003"], section="body").order_by(
        "position"
    )[1]
    tag_claim(sentence=teacher_tag, reviewer=teacher, label="unsourced")

    Article.objects.filter(pk=s001.pk).update(
        published_on=dt.date(2017, 6, 12), url="https://www.globalresearch.ca/example/1"
    )
    Article.objects.filter(pk=s000.pk).update(published_on=dt.date(2017, 6, 20))
    return Corpus(
        seeds=seeds,
        reviewers=[student, other_student, third],
        teacher=teacher,
        majority=majority,
        tie=tie,
        adjudicated=adjudicated,
        span=(span_start, majority.end),
        framing=framing,
        comment=comment,
        teacher_tag=teacher_tag,
    )
