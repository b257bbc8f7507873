"""`{% url %}` for every template (settings: TEMPLATES' "builtins"), Django's own tag
with the URLs it reverses remembered (the fast path "url_cache", core/fast_paths.py).

A page reverses a dozen or two URLs, nearly all the same on every page (the menu, the
tag panel's endpoints): Django's reverse() matches the name's patterns, quotes the
arguments and checks the result against the pattern's regular expression each time
(~20 µs a URL; bench/workspace.py). Here a URL is reversed once for each view name,
arguments, current application, script prefix, URLconf and language, everything
reverse()'s answer depends on, and remembered in a bounded table (the least recently
used go first): the URLconf does not change while the process runs. A name that does not
reverse raises as Django's tag does, each time, and is not remembered.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from core.fast_paths import fast_path

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse(
    view_name: str,
    args: tuple,
    kwargs: tuple,
    current_app: str | None,
    prefix: str,  # part of the key only: reverse() reads the script prefix itself
    urlconf: str | None,
    language: str | None,  # part of the key only: for URL patterns in each language
) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


class RememberedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        if not fast_path("url_cache") or self.asvar:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        try:  # as Django's tag finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (self.view_name.resolve(context), args, kwargs, current_app)
        try:
            url = _reverse(*key, get_script_prefix(), get_urlconf(), get_language())
        except TypeError:  # an argument that cannot be a key (a list, say): as Django does
            return super().render(context)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
