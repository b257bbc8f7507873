"""The article list, the annotation workspace (the article page) and the guidelines."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator.forms import ArticlePageFilter
from annotator.labels import GUIDE
from annotator.models import Article
from annotator.permissions import all_tags_requested, readable_article, require_reader
from annotator.presenters import fragments
from annotator.selectors import workspace as selectors
from annotator.selectors.assignments import assignments
from core.auth.roles import can_tag, is_editor
from core.text.sections import Section
from sources.models import Outlet

ARTICLES_PER_PAGE = 25


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """The articles, filtered by the API's filters (`ArticlePageFilter`): a bad value
    (an unknown outlet, a date that is not one) is a 400 with the page and the
    filter's message; a parameter the filters do not take is ignored."""
    require_reader(request)
    filters = ArticlePageFilter(request.GET, queryset=Article.objects.all(), request=request)
    valid = filters.is_valid()
    unfinished = valid and filters.form.cleaned_data.get("unfinished") == "1"
    counted = assignments().open_progress(request.user)
    articles = selectors.article_list(
        filters.qs if valid else Article.objects.none(),
        reviewer=request.user,
        unfinished=unfinished,
        counted=counted,
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    for article in page:
        # An article of an open assignment: its progress is the assignment's units.
        work = counted.get(article.pk)
        if work is not None:
            article.n_tagged, article.n_taggable = work.done, work.total
            article.assignment_id = work.assignment_id
    template = "annotator/article_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request,
        template,
        {
            "page": page,
            "search": filters.data.get("search", "").strip(),
            "outlet": filters.data.get("outlet", "").strip(),
            "unfinished": unfinished,
            "errors": filters.errors,
            "filters": filters.query(),
            "outlets": Outlet.objects.all(),
        },
        status=200 if valid else 400,
    )


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = readable_article(request, pk, choices=True)
    all_tags = all_tags_requested(request)
    provider = assignments()
    assignment = provider.requested(
        request.GET.get("assignment"), user=request.user, article_id=article.pk
    )
    workspace = selectors.workspace(article, user=request.user, all_tags=all_tags)
    current = workspace.find(request.GET.get("s")) or workspace.first_taggable()
    query = "tags=all&" if all_tags else ""
    context = None
    if assignment is not None:
        context = provider.context(assignment, user=request.user, article_id=article.pk)
        provider.mark_units(workspace.sentences(), context)
        query += f"assignment={assignment.pk}&"
    return render(
        request,
        "annotator/article_detail.html",
        {
            "article": article,
            "workspace": workspace,
            "progress": workspace.progress,
            "current": current,
            "all_tags": all_tags,
            "can_tag": can_tag(request.user),
            "can_see_all_tags": is_editor(request.user),
            "can_edit_sections": is_editor(request.user),
            "corrections": (
                article.corrections.select_related("old", "new", "changed_by")[:10]
                if article.corrected
                else ()
            ),
            "sections": Section.choices,
            "labels": GUIDE,
            "outlets": article.outlet_choices,
            "default_outlet": article.origin or article.publisher,
            "query": query,
            "paragraphs_html": fragments.paragraphs_html(workspace, query=query),
            "progress_html": fragments.progress_html(workspace.progress),
            "guidelines_html": fragments.fixed_html("annotator/_guidelines.html"),
            "shortcuts_html": fragments.fixed_html("annotator/_shortcuts.html", dialog=True),
            "assignment_context": context,
            "workspace_total": workspace.progress.total,
        },
    )


@require_GET
def guidelines(request: HttpRequest) -> HttpResponse:
    require_reader(request)
    return render(
        request,
        "annotator/guidelines.html",
        {
            "guidelines_html": fragments.fixed_html("annotator/_guidelines.html", open=True),
            "shortcuts_html": fragments.fixed_html("annotator/_shortcuts.html"),
        },
    )
