"""Media outlets: who publishes an article, who wrote it, and whom a claim is attributed to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

# The pages under /outlets/ beside the outlets' profiles (/outlets/<slug>/, see
# framing/urls.py): an outlet with one of these slugs would have its profile hidden
# behind the page, so no outlet may take one (in any case). A test keeps this in step
# with the URLs.
RESERVED_SLUGS = frozenset({"compare", "stories", "tags"})


class OutletKind(models.TextChoices):
    NEWS = "news", "News site"
    AGGREGATOR = "aggregator", "Aggregator / republisher"
    BLOG = "blog", "Blog"
    AGENCY = "agency", "News agency"


class Outlet(models.Model):
    Kind = OutletKind

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OutletKind.values), name="outlet_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": f"The slug {self.slug!r} is reserved: /outlets/{self.slug.lower()}/ "
                    "is another page. Choose another slug."
                }
            )


class OutletAlias(models.Model):
    """Another name an outlet goes by ("SouthFront", "Centre for Research on Globalization")."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "outlet aliases"
        constraints = [
            # One alias names one outlet, whatever its case.
            models.UniqueConstraint(Lower("name"), name="outlet_alias_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class OutletDomain(models.Model):
    """A home domain of an outlet, lower-case and without "www." (southfront.org)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="outlet_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.domain
