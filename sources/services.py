"""Writes and look-ups for outlets; every caller (commands, admin, API) goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from sources.models import Outlet, OutletAlias, OutletDomain


class UnknownOutlet(ValidationError):
    """Raised when a name matches no outlet's name, slug, alias or domain."""


def normalize_domain(value: str) -> str:
    """Return the bare lower-case host of a domain or URL: "https://www.SouthFront.org/x" ->
    "southfront.org"."""
    value = value.strip().lower()
    if "//" not in value:
        value = "//" + value
    host = urlsplit(value).hostname or ""
    return host.removeprefix("www.").rstrip(".")


@transaction.atomic
def save_outlet(
    *,
    name: str,
    kind: str = Outlet.Kind.NEWS,
    slug: str = "",
    description: str = "",
    aliases: Iterable[str] = (),
    domains: Iterable[str] = (),
) -> Outlet:
    """Create the outlet called `name`, or update it, so that it has exactly these
    aliases and domains. Running it twice with the same values changes nothing."""
    outlet = Outlet.objects.filter(name=name).first() or Outlet(name=name)
    outlet.kind = kind
    outlet.slug = slug or outlet.slug or slugify(name)
    outlet.description = description
    outlet.full_clean()
    outlet.save()

    wanted_aliases = {a.strip() for a in aliases if a.strip()}
    outlet.aliases.exclude(name__in=wanted_aliases).delete()
    have = set(outlet.aliases.values_list("name", flat=True))
    for alias in sorted(wanted_aliases - have):
        row = OutletAlias(outlet=outlet, name=alias)
        row.full_clean()
        row.save()

    wanted_domains = {normalize_domain(d) for d in domains if d.strip()}
    if "" in wanted_domains:
        raise ValidationError({"domains": "A domain cannot be empty."})
    outlet.domains.exclude(domain__in=wanted_domains).delete()
    have = set(outlet.domains.values_list("domain", flat=True))
    for domain in sorted(wanted_domains - have):
        row = OutletDomain(outlet=outlet, domain=domain)
        row.full_clean()
        row.save()
    return outlet


def resolve_outlet(value: str) -> Outlet:
    """Return the outlet whose name, slug, alias or domain is `value` (any case).

    Raises UnknownOutlet, naming the value and the known outlets, when none matches."""
    value = value.strip()
    if value:
        domain = normalize_domain(value) if "." in value else ""
        match = (
            Outlet.objects.filter(
                Q(name__iexact=value)
                | Q(slug__iexact=value)
                | Q(aliases__name__iexact=value)
                | (Q(domains__domain=domain) if domain else Q(pk__in=[]))
            )
            .distinct()
            .first()
        )
        if match is not None:
            return match
    known = ", ".join(Outlet.objects.values_list("name", flat=True)) or "none yet"
    raise UnknownOutlet(f"unknown outlet {value!r} (known outlets: {known})", code="unknown_outlet")
