"""Outlets, their aliases and domains are edited here (republished stories are shown in
the annotator's admin)."""

from __future__ import annotations

from django.contrib import admin

from sources.models import Outlet, OutletAlias, OutletDomain


class AliasInline(admin.TabularInline):
    model = OutletAlias
    extra = 1


class DomainInline(admin.TabularInline):
    model = OutletDomain
    extra = 1


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["name", "slug", "description", "aliases__name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, DomainInline]


@admin.register(OutletAlias)
class OutletAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet"]
    list_filter = ["outlet"]
    search_fields = ["name", "outlet__name"]


@admin.register(OutletDomain)
class OutletDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "outlet"]
    list_filter = ["outlet"]
    search_fields = ["domain", "outlet__name"]
