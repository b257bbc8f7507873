"""Pages: the article list and the article reader."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotator import selectors
from annotator.models import Article, Sentence
from annotator.roles import is_editor
from annotator.sections import Section
from annotator.sentences import correct_section
from sources.models import Outlet

ARTICLES_PER_PAGE = 25


def article_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    outlet = request.GET.get("outlet", "").strip()
    page = Paginator(selectors.article_list(search=search, outlet_slug=outlet), ARTICLES_PER_PAGE)
    return render(
        request,
        "annotator/article_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "search": search,
            "outlet": outlet,
            "outlets": Outlet.objects.all(),
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("publisher", "origin"), pk=pk)
    return render(
        request,
        "annotator/article_detail.html",
        {
            "article": article,
            "paragraphs": selectors.article_paragraphs(article),
            "can_edit_sections": is_editor(request.user),
            "sections": Section.choices,
        },
    )


@require_POST
def sentence_section(request: HttpRequest, pk: int) -> HttpResponse:
    sentence = get_object_or_404(Sentence, pk=pk)
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
    return redirect(f"{reverse('article-detail', args=[sentence.article_id])}#s{sentence.pk}")
