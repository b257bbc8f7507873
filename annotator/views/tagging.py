"""Tagging requests from the workspace: tag a claim, delete a tag, fetch a sentence,
correct a section.

Each answers a request from the page's script (htmx) with the sentence fragment the
article page renders in its loop (annotator/presenters/fragments.py) and the progress bar out of
band; a plain form POST gets a redirect back to the sentence instead."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotator.forms import TagForm, UndoForm
from annotator.models import ClaimTag, Sentence
from annotator.permissions import (
    all_tags_requested,
    own_tag,
    readable_sentence,
    taggable_sentence,
)
from annotator.presenters import fragments
from annotator.selectors import workspace as selectors
from annotator.selectors.assignments import assignments
from annotator.services.sentences import correct_section
from annotator.services.tagging import delete_tag, tag_claim, undo_change
from core.auth.roles import is_editor


def back_to(sentence: Sentence, *, all_tags: bool = False, assignment: int | None = None) -> str:
    """The article page with `sentence` selected and in view (inside `assignment`)."""
    query: dict[str, object] = {"tags": "all"} if all_tags else {}
    if assignment is not None:
        query["assignment"] = assignment
    query["s"] = sentence.pk
    url = reverse("article-detail", args=[sentence.article_id])
    return f"{url}?{urlencode(query)}#s{sentence.pk}"


def workspace_assignment(request: HttpRequest, sentence: Sentence) -> object | None:
    """The assignment the workspace works in (`assignment`, posted by its forms), checked
    before anything is written: BadRequest or 404 for one that cannot be."""
    return assignments().requested(
        request.POST.get("assignment")
        if request.method == "POST"
        else request.GET.get("assignment"),
        user=request.user,
        article_id=sentence.article_id,
    )


def sentence_response(
    request: HttpRequest,
    sentence: Sentence,
    *,
    all_tags: bool,
    assignment: object | None = None,
) -> HttpResponse:
    """The sentence as it now stands: its fragment and the progress bar (htmx), inside an
    assignment also its box (count, Hand in), out of band; or a redirect back to it (a
    plain form)."""
    if not request.htmx:
        pk = assignment.pk if assignment is not None else None
        return redirect(back_to(sentence, all_tags=all_tags, assignment=pk))
    view = selectors.sentence_view(sentence, user=request.user, all_tags=all_tags)
    query = "tags=all&" if all_tags else ""
    progress = selectors.progress(sentence.article_id, user=request.user)
    box = ""
    if assignment is not None:
        provider = assignments()
        context = provider.context(assignment, user=request.user, article_id=sentence.article_id)
        provider.mark_units([view], context)
        query += f"assignment={assignment.pk}&"
        box = render_to_string(
            "annotator/_assignment.html",
            {"assignment_context": context, "workspace_total": progress.total, "oob": True},
            request=request,
        )
    html = fragments.sentence_html(view, query=query)
    return HttpResponse(html + fragments.progress_html(progress, oob=True) + box)


def refuse(
    request: HttpRequest,
    sentence: Sentence,
    message: str,
    *,
    all_tags: bool,
    assignment: object | None = None,
) -> HttpResponse:
    """A request the rules refuse: a 400 with the reason (htmx), or the reason as a
    message on the page (a plain form)."""
    if request.htmx:
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    messages.error(request, f"Not saved: {message}")
    pk = assignment.pk if assignment is not None else None
    return redirect(back_to(sentence, all_tags=all_tags, assignment=pk))


@require_POST
def sentence_tag(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = taggable_sentence(request, pk)
    all_tags = all_tags_requested(request)
    assignment = workspace_assignment(request, sentence)
    form = TagForm(request.POST, known=(sentence.article.origin, sentence.article.publisher))
    if not form.is_valid():
        return refuse(request, sentence, form.message(), all_tags=all_tags, assignment=assignment)
    try:
        tag_claim(sentence=sentence, reviewer=request.user, **form.claim())
    except ValidationError as exc:
        return refuse(
            request, sentence, " ".join(exc.messages), all_tags=all_tags, assignment=assignment
        )
    return sentence_response(request, sentence, all_tags=all_tags, assignment=assignment)


@require_POST
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = own_tag(request, pk)
    all_tags = all_tags_requested(request)
    sentence = tag.sentence
    assignment = workspace_assignment(request, sentence)
    try:
        delete_tag(tag=tag, by=request.user)
    except ClaimTag.DoesNotExist:
        raise Http404("This tag was deleted already.") from None
    return sentence_response(request, sentence, all_tags=all_tags, assignment=assignment)


@require_POST
def sentence_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one change of the reviewer's own claim on this sentence (the workspace's
    Undo, Ctrl+Z and u): annotator.services.tagging.undo_change says when it may."""
    sentence = taggable_sentence(request, pk)
    all_tags = all_tags_requested(request)
    assignment = workspace_assignment(request, sentence)
    form = UndoForm(request.POST)
    if not form.is_valid():
        return refuse(request, sentence, form.message(), all_tags=all_tags, assignment=assignment)
    try:
        undo_change(sentence=sentence, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return refuse(
            request, sentence, " ".join(exc.messages), all_tags=all_tags, assignment=assignment
        )
    if not request.htmx:
        messages.success(request, "Undone.")
    return sentence_response(request, sentence, all_tags=all_tags, assignment=assignment)


@require_GET
def sentence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One sentence's fragment; with `tags=all`, every reviewer's tags on it."""
    sentence = readable_sentence(request, pk)
    return sentence_response(
        request,
        sentence,
        all_tags=all_tags_requested(request),
        assignment=workspace_assignment(request, sentence),
    )


@require_POST
def sentence_section(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = readable_sentence(request, pk)
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers and editors can change sections.")
    try:
        correct_section(
            sentence=sentence,
            section=request.POST.get("section", ""),
            by=request.user,
            through_end=request.POST.get("through_end") == "1",
        )
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain")
    return redirect(back_to(sentence, all_tags=request.POST.get("tags") == "all"))
