"""The blind rule for everything computed from other people's tags.

The workspace shows a reviewer only their own tags, and the class pages show a student
nobody else's answers and not the key until they hand in. Every *derived* figure (outlet
profiles and comparisons with their chart, CSV and JSON, most cited sources, stories,
label suggestions, exports, agreement figures) reads claim tags through the one rule
here, so that a count cannot give away what the pages hide. `scope_for(viewer)` says,
once per request, what the viewer's figures may read; the readers apply it:

- ORM reads: `scope.claim_tags(queryset)` and `scope.adjudications(queryset)`;
- hand-written SQL (`core.db.framing`) reads `scope.viewer_id` and `scope.hidden` and
  writes the same conditions (a test compares the two on both databases);
- a `group=` choice: `scope.groups()` / `scope.may_see_group(group)`;
- shown counts: `suppressed(counts, scope.min_cell)`.

The rule, by viewer:

1. Teachers/editors and admins (`core.auth.roles.is_editor`) read everything, as in the
   workspace's *All reviewers' tags*: no tag is hidden, every group may be chosen and no
   figure is suppressed (`EVERYTHING`).
2. Everybody else with a role (reviewers: students in classes or not):
   a. For each assignment of a class they belong to that is not past due:
      - not handed in yet: every tag and adjudication on the assignment's articles, and on
        every copy of those articles in a republished story (a copy carries the same
        sentences, and "apply my tag to the copies" the same tags), is left out, except
        the viewer's own tags. So the key, a classmate's answer or an editor's
        adjudication on those sentences never counts, and changing one's own label
        changes only one's own vote;
      - handed in: what the class pages then show (the key, and the answers of
        classmates who have handed in): only the tags of classmates who have not handed
        in yet are left out on those articles.
      Past the due date nothing is hidden by the assignment any more (everyone's answers
      are then frozen and the feedback open).
   b. Reviewer groups: only the groups they belong to may be chosen (`group=`, `by=group`);
      another group is refused as an unknown one (400 naming `group`), so that a refusal
      does not even confirm that it exists.
   c. Small cells: a count below `min_cell` (setting `ANNOTATOR_MIN_CELL_SIZE`, 5 by
      default) is shown as "fewer than k", never as the figure; see `suppressed`.
3. Anonymous visitors and accounts without a role read no figures at all (the views
   refuse them before asking this module).

Where it applies. The outlet figures (`framing.selectors`, for the profile and comparison
pages, their CSV and chart, and `/api/outlets/<slug>/profile/`, `/api/compare/`) take the
scope as a required argument. Exports (`annotator.export`) are for teachers/editors and
admins only, whose scope is `EVERYTHING`. The class pages' agreement figures, feedback
and disagreements (`classroom.selectors.results`, `classroom.permissions.sees_results`) show nothing
before hand-in and then only classmates who have handed in: the same rule, which a test
keeps in step with `sees_results`. Story pages show the viewer's own tags only.

Adopting it in a new reader (e.g. label suggestions): compute `scope = scope_for(user)`
once per request, read tags with `scope.claim_tags(ClaimTag.objects.filter(...))` and
adjudications with `scope.adjudications(...)`, check a chosen group with
`scope.may_see_group`, and pass shown counts through `suppressed(counts, scope.min_cell)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from annotator.models import Adjudication, ClaimTag, StoryArticle
from classroom.models import Assignment, Membership, Submission
from core.auth.roles import is_editor


@dataclass(frozen=True, slots=True)
class Hidden:
    """Tags on these articles are hidden: those of `reviewers` only, or, when it is None,
    everyone's but the viewer's own (and then the articles' adjudications too)."""

    articles: frozenset[int]
    reviewers: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class TagScope:
    """What one viewer's derived figures may read (see the module docstring)."""

    viewer_id: int | None
    hidden: tuple[Hidden, ...] = ()
    group_ids: frozenset[int] | None = None  # None: any group
    min_cell: int = 0  # 0: nothing is suppressed

    @property
    def sees_everything(self) -> bool:
        """True when nothing is hidden, every group is open and no cell is suppressed:
        the readers then run exactly as they did before the rule."""
        return not self.hidden and self.group_ids is None and self.min_cell <= 1

    @property
    def hides_tags(self) -> bool:
        return bool(self.hidden)

    # ORM readers -------------------------------------------------------------------

    def tag_filter(self) -> Q:
        """A Q on ClaimTag that keeps the tags this viewer's figures may read."""
        keep = Q()
        for block in self.hidden:
            on_articles = Q(sentence__article_id__in=sorted(block.articles))
            if block.reviewers is None:
                by = ~Q(reviewer_id=self.viewer_id)
            else:
                by = Q(reviewer_id__in=sorted(block.reviewers))
            keep &= ~(on_articles & by)
        return keep

    def claim_tags(self, queryset: QuerySet[ClaimTag] | None = None) -> QuerySet[ClaimTag]:
        """The claim tags (of `queryset`, default all) that this viewer's figures read."""
        queryset = ClaimTag.objects.all() if queryset is None else queryset
        return queryset.filter(self.tag_filter()) if self.hidden else queryset

    def adjudications(
        self, queryset: QuerySet[Adjudication] | None = None
    ) -> QuerySet[Adjudication]:
        """The adjudications (of `queryset`, default all) that this viewer's figures read."""
        queryset = Adjudication.objects.all() if queryset is None else queryset
        articles = self.hidden_articles
        return queryset.exclude(sentence__article_id__in=sorted(articles)) if articles else queryset

    @property
    def hidden_articles(self) -> frozenset[int]:
        """The articles whose adjudications (and others' tags) are hidden altogether."""
        return frozenset().union(*(b.articles for b in self.hidden if b.reviewers is None))

    # Groups ------------------------------------------------------------------------

    def groups(self) -> QuerySet[Group]:
        """The reviewer groups whose figures this viewer may ask for, by name."""
        groups = Group.objects.order_by("name")
        return groups if self.group_ids is None else groups.filter(pk__in=self.group_ids)

    def may_see_group(self, group: Group) -> bool:
        return self.group_ids is None or group.pk in self.group_ids


EVERYTHING = TagScope(viewer_id=None)


def min_cell_size() -> int:
    return max(1, int(getattr(settings, "ANNOTATOR_MIN_CELL_SIZE", 5)))


def scope_for(viewer: AbstractBaseUser, *, now=None) -> TagScope:
    """The blind rule for one viewer (see the module docstring). A teacher/editor or an
    admin gets `EVERYTHING` without a query; a reviewer costs two (their groups, their
    open assignments), and two or three more while they have assignments open."""
    if is_editor(viewer):
        return EVERYTHING
    group_ids = (
        frozenset(viewer.groups.values_list("pk", flat=True))
        if viewer.is_authenticated
        else frozenset()
    )
    scope = TagScope(viewer_id=viewer.pk, hidden=(), group_ids=group_ids, min_cell=min_cell_size())
    if not viewer.is_authenticated:
        return scope
    return TagScope(
        viewer_id=viewer.pk,
        hidden=_open_assignments(viewer, now or timezone.now()),
        group_ids=group_ids,
        min_cell=scope.min_cell,
    )


def _open_assignments(viewer: AbstractBaseUser, now) -> tuple[Hidden, ...]:
    open_ = list(
        Assignment.objects.filter(classroom__memberships__student=viewer, due_at__gt=now)
        .annotate(
            handed_in=Exists(Submission.objects.filter(assignment=OuterRef("pk"), student=viewer))
        )
        .values_list("pk", "classroom_id", "handed_in")
        .distinct()
    )
    if not open_:
        return ()
    articles: dict[int, set[int]] = {}
    for assignment_id, article_id in Assignment.articles.through.objects.filter(
        assignment_id__in=[a for a, _, _ in open_]
    ).values_list("assignment_id", "article_id"):
        articles.setdefault(assignment_id, set()).add(article_id)
    copies = _story_copies(set().union(*articles.values()) if articles else set())
    waiting: dict[int, set[int]] = {}  # assignment -> classmates who have not handed in
    handed_in = [(a, c) for a, c, done in open_ if done]
    if handed_in:
        members = Membership.objects.filter(classroom_id__in={c for _, c in handed_in}).values_list(
            "classroom_id", "student_id"
        )
        done = set(
            Submission.objects.filter(assignment_id__in=[a for a, _ in handed_in]).values_list(
                "assignment_id", "student_id"
            )
        )
        by_class: dict[int, set[int]] = {}
        for classroom_id, student_id in members:
            by_class.setdefault(classroom_id, set()).add(student_id)
        for assignment_id, classroom_id in handed_in:
            waiting[assignment_id] = {
                s for s in by_class.get(classroom_id, ()) if (assignment_id, s) not in done
            }
    hidden = []
    for assignment_id, _, done in sorted(open_):
        ids = set(articles.get(assignment_id, ()))
        ids |= {c for a in ids for c in copies.get(a, ())}
        if not ids:
            continue
        if not done:
            hidden.append(Hidden(articles=frozenset(ids)))
        elif waiting.get(assignment_id):
            reviewers = frozenset(waiting[assignment_id])
            hidden.append(Hidden(articles=frozenset(ids), reviewers=reviewers))
    return tuple(hidden)


def _story_copies(article_ids: set[int]) -> dict[int, set[int]]:
    """For each article, the other copies of its republished story (if any)."""
    if not article_ids:
        return {}
    stories: dict[int, set[int]] = {}
    rows = StoryArticle.objects.filter(
        story__in=StoryArticle.objects.filter(article_id__in=article_ids).values("story_id")
    ).values_list("story_id", "article_id")
    for story_id, article_id in rows:
        stories.setdefault(story_id, set()).add(article_id)
    copies: dict[int, set[int]] = {}
    for members in stories.values():
        for article_id in members & article_ids:
            copies.setdefault(article_id, set()).update(members - {article_id})
    return copies


def suppressed(counts: Mapping[str, int], min_cell: int) -> dict[str, str]:
    """Which of a row's counts are not shown, and what shows instead, when the row's
    total is shown: every count from 1 to k - 1 (k = `min_cell`) reads "fewer than k" (a
    zero is shown: it names nobody); and if that leaves exactly one, the next smallest
    positive count reads "withheld" too, so that the total minus the shown counts does not
    give the small one back. Nothing when k <= 1."""
    if min_cell <= 1:
        return {}
    small = {name: fewer_than(min_cell) for name, n in counts.items() if 0 < n < min_cell}
    if len(small) == 1:
        others = sorted((n, name) for name, n in counts.items() if n > 0 and name not in small)
        if others:
            small[others[0][1]] = WITHHELD
    return small


WITHHELD = "withheld"


def fewer_than(min_cell: int) -> str:
    """How a suppressed count reads: "fewer than 5"."""
    return f"fewer than {min_cell}"
