"""Pages for comparing outlets: the outlet list, an outlet's profile, the side-by-side
comparison, and republished stories. Everyone with a role reads them; the figures are
aggregates, never another reviewer's tags."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from annotator.models import ClaimTag, Story, StoryArticle, StoryChange
from annotator.services import stories
from annotator.services.tagging import apply_tag_to_copies
from classroom.selectors.blindness import TagScope, fewer_than, scope_for
from core.auth.roles import is_editor
from framing.forms import OPTIONAL_SECTIONS, parse_filters, parse_outlets
from framing.presenters.charts import KEYS, interval_chart, stacked_bars
from framing.presenters.csv import figures_csv
from framing.presenters.figures import comparison_notes
from framing.selectors import outlets as selectors
from framing.selectors.figures import Filters
from sources.models import Outlet

STORIES_PER_PAGE = 50


def _require_reader(request: HttpRequest) -> None:
    if not request.user.has_perm("sources.view_outlet"):
        raise PermissionDenied("Your account has no role in the annotator yet.")


def _csv(text: str, filename: str) -> HttpResponse:
    return HttpResponse(
        text,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _filter_context(scope: TagScope, filters: Filters | None = None) -> dict:
    """What the filter form and the legend need (the groups: those the viewer may see)."""
    return {
        "filters": filters or Filters(),
        "groups": scope.groups(),
        "blind": scope,
        "fewer_than": fewer_than(scope.min_cell) if scope.min_cell > 1 else "",
        "optional_sections": OPTIONAL_SECTIONS.items(),
        "legend": [(key.label, key.name, key.letter) for key in KEYS],
    }


def outlet_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    outlets = Outlet.objects.annotate(
        published=Count("published_articles", distinct=True),
        originated=Count("originated_articles", distinct=True),
    ).order_by("name")
    return render(
        request,
        "framing/outlet_list.html",
        {"outlets": outlets, "stories": Story.objects.count()},
    )


def outlet_profile(request: HttpRequest, slug: str) -> HttpResponse:
    _require_reader(request)
    outlet = get_object_or_404(Outlet, slug=slug)
    by_group = request.GET.get("by") == "group"
    scope = scope_for(request.user)
    try:
        filters = parse_filters(request.GET, scope=scope)
    except ValidationError as exc:
        return render(
            request,
            "framing/outlet_profile.html",
            {
                "outlet": outlet,
                "errors": exc.messages,
                **_filter_context(scope),
            },
            status=400,
        )
    profile = selectors.outlet_profile(
        outlet=outlet, scope=scope, filters=filters, by_group=by_group
    )
    if request.GET.get("format") == "csv":
        return _csv(figures_csv(profile.figures), f"{outlet.slug}-profile.csv")
    return render(
        request,
        "framing/outlet_profile.html",
        {
            "outlet": outlet,
            "profile": profile,
            "by_group": by_group,
            "chart": stacked_bars(
                profile.figures,
                title=f"Label shares of the claims attributed to {outlet.name}"
                + (", by reviewer group" if by_group else ""),
            ),
            "intervals": interval_chart(
                profile.figures,
                title=f"Each label's share of the claims attributed to {outlet.name}"
                + (", by reviewer group" if by_group else "")
                + ", with its 95% interval",
            ),
            "story_change": stories.last_change(),
            **_filter_context(scope, filters),
        },
    )


def outlet_compare(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    choices = Outlet.objects.order_by("name")
    raw = request.GET.getlist("outlets")
    context = {"choices": choices, "chosen": set()}
    scope = scope_for(request.user)
    if not raw:
        return render(
            request,
            "framing/compare.html",
            {**context, **_filter_context(scope)},
        )
    try:
        outlets = parse_outlets(raw)
        filters = parse_filters(request.GET, scope=scope)
    except ValidationError as exc:
        return render(
            request,
            "framing/compare.html",
            {**context, "errors": exc.messages, **_filter_context(scope)},
            status=400,
        )
    comparison = selectors.compare_outlets(outlets=outlets, scope=scope, filters=filters)
    if request.GET.get("format") == "csv":
        return _csv(
            figures_csv(comparison.figures),
            "compare-" + "-".join(o.slug for o in outlets)[:150] + ".csv",
        )
    return render(
        request,
        "framing/compare.html",
        {
            **context,
            "chosen": {o.slug for o in outlets},
            "outlets": outlets,
            "outlets_param": ",".join(o.slug for o in outlets),
            "comparison": comparison,
            "notes": comparison_notes(comparison),
            "chart": stacked_bars(
                comparison.figures,
                title="Label shares of the claims attributed to "
                + ", ".join(o.name for o in outlets),
            ),
            "intervals": interval_chart(
                comparison.figures,
                title="Each label's share for "
                + ", ".join(o.name for o in outlets)
                + ", with its 95% interval",
            ),
            **_filter_context(scope, filters),
        },
    )


def story_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    page = Paginator(
        Story.objects.annotate(n_copies=Count("copies")).order_by("-n_copies", "title", "id"),
        STORIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    copies: dict[int, list[StoryArticle]] = {}
    for link in (
        StoryArticle.objects.filter(story__in=[s.pk for s in page])
        .select_related("article__publisher", "article__origin")
        .order_by("-is_original", "article_id")
    ):
        copies.setdefault(link.story_id, []).append(link)
    return render(
        request,
        "framing/story_list.html",
        {
            "page": page,
            "rows": [(story, copies.get(story.pk, [])) for story in page],
            "pending": stories.pending_count() if is_editor(request.user) else None,
            "story_change": stories.last_change(),
        },
    )


@require_POST
def story_detect(request: HttpRequest) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied("Only teachers and editors can run story detection.")
    added = stories.add_pending_articles(by=request.user, how=StoryChange.How.CHECK)
    messages.success(request, f"Read {added} new article{'s' if added != 1 else ''}.")
    return redirect("story-list")


def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    story = get_object_or_404(Story, pk=pk)
    table = stories.story_table(story=story)
    # The reader's own tags in this story, each offered for the copies that lack it.
    having: dict[int, set[int]] = {}  # passage -> the copies (articles) that have it
    for row in table.rows:
        for cell in row:
            if cell.sentence is not None:
                having.setdefault(cell.passage, set()).add(cell.sentence.article_id)
    mine = list(
        ClaimTag.objects.filter(reviewer=request.user, sentence__story_passage__story=story)
        .select_related("sentence__story_passage")
        .order_by("sentence__article_id", "start")
    )
    tagged: dict[tuple[int, int, int], set[int]] = {}  # claim in passage -> copies tagged
    for tag in mine:
        key = _claim_key(tag)
        tagged.setdefault(key, set()).add(tag.sentence.article_id)
    offers: dict[int, list[tuple[ClaimTag, int, str]]] = {}
    for tag in mine:
        others = having.get(tag.sentence.story_passage.passage, set()) - tagged[_claim_key(tag)]
        if others:
            s = tag.sentence
            span = (
                ""
                if (tag.start, tag.end) == (s.start, s.end)
                else s.text[tag.start - s.start : tag.end - s.start]
            )
            offers.setdefault(tag.sentence_id, []).append((tag, len(others), span))
    grid = [
        [(cell, offers.get(cell.sentence.pk, []) if cell.sentence else []) for cell in row]
        for row in table.rows
    ]
    return render(
        request, "framing/story_detail.html", {"story": story, "table": table, "grid": grid}
    )


def _claim_key(tag: ClaimTag) -> tuple[int, int, int]:
    """A claim's place in its story: passage, and offsets inside the sentence (-1, -1 for
    the whole sentence), as the outlet figures count it."""
    sentence = tag.sentence
    if (tag.start, tag.end) == (sentence.start, sentence.end):
        return (sentence.story_passage.passage, -1, -1)
    return (sentence.story_passage.passage, tag.start - sentence.start, tag.end - sentence.start)


@require_POST
def tag_apply_to_copies(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(ClaimTag.objects.select_related("sentence", "reviewer"), pk=pk)
    # Only the tag's reviewer: the copies are their tags, and the history names them.
    if tag.reviewer_id != request.user.pk:
        raise PermissionDenied("Only the tag's reviewer can apply it to other copies.")
    try:
        copied = apply_tag_to_copies(tag=tag, by=request.user)
    except ClaimTag.DoesNotExist:
        raise Http404("This tag was deleted.") from None
    messages.success(request, f"Tag applied to {copied} other cop{'y' if copied == 1 else 'ies'}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        link = StoryArticle.objects.filter(article_id=tag.sentence.article_id).first()
        target = reverse("story-detail", args=[link.story_id]) if link else reverse("outlet-list")
    return redirect(target)
