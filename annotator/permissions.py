"""Who may do what, decided in the views (a client can send any request it likes):
each helper returns the object asked for, or raises 404 / 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from annotator.models import Article, ClaimTag, Sentence
from annotator.selectors.workspace import sentences_for_tagging
from core.auth.roles import can_tag, has_role, is_editor
from core.db.articles import article_with_outlets
from core.text.sections import not_a_claim


def require_reader(request: HttpRequest) -> None:
    """Only accounts with a role read articles."""
    if not has_role(request.user):
        raise PermissionDenied("Your account has no role yet: ask your teacher for one.")


def readable_article(request: HttpRequest, pk: int, *, choices: bool = False) -> Article:
    """The article with its publisher and origin, and with `choices` the outlets its
    page offers, read at once (core/db/articles.py)."""
    require_reader(request)
    article = article_with_outlets(pk, choices=choices)
    if article is None:
        raise Http404("No such article.")
    return article


def readable_sentence(request: HttpRequest, pk: int) -> Sentence:
    require_reader(request)
    return get_object_or_404(Sentence.objects.select_related("article"), pk=pk)


def taggable_sentence(request: HttpRequest, pk: int) -> Sentence:
    """A sentence the user may tag; a byline or a credit line is not a claim (403
    either way)."""
    if not can_tag(request.user):
        raise PermissionDenied("You are not allowed to tag claims.")
    sentence = sentences_for_tagging([pk]).get(pk)
    if sentence is None:
        raise Http404("No such sentence.")
    if reason := not_a_claim(sentence.section):
        raise PermissionDenied(f"This sentence is {reason}: it cannot be tagged.")
    return sentence


def own_tag(request: HttpRequest, pk: int) -> ClaimTag:
    """One of the user's own tags: nobody changes or deletes someone else's."""
    tag = get_object_or_404(ClaimTag.objects.select_related("sentence__article"), pk=pk)
    if tag.reviewer_id != request.user.pk:
        raise PermissionDenied("You can only change your own tags.")
    return tag


def all_tags_requested(request: HttpRequest) -> bool:
    """Whether the request asks to leave blind mode (`tags=all`), which only teachers,
    editors and admins may."""
    wanted = (request.POST if request.method == "POST" else request.GET).get("tags") == "all"
    if wanted and not is_editor(request.user):
        raise PermissionDenied("Reviewers see their own tags only (blind mode).")
    return wanted
