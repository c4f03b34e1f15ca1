"""Every URL pattern of the site, read from the resolver: a new page is fuzzed without anyone
having to list it (tests/test_fuzz_urls.py)."""

import re
from dataclasses import dataclass

from django.urls import LocalePrefixPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str
    regex: str
    # Under i18n_patterns: also served under /en/.
    translated: bool

    @property
    def compiled(self):
        return re.compile(self.regex)

    @property
    def is_admin(self):
        return self.name.startswith("admin:")

    @property
    def is_api(self):
        return self.name.startswith("api:")

    def __str__(self):
        return self.name


def _bare(regex):
    return regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$")


def _walk(patterns, prefix, namespaces, translated):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            localised = isinstance(pattern.pattern, LocalePrefixPattern)
            namespace = [pattern.namespace] if pattern.namespace else []
            # The default language has no prefix: the resolver's regex for French is empty.
            step = "" if localised else _bare(pattern.pattern.regex.pattern)
            yield from _walk(
                pattern.url_patterns,
                prefix + step,
                namespaces + namespace,
                translated or localised,
            )
        else:
            name = ":".join([*namespaces, pattern.name or pattern.lookup_str])
            yield Route(name, prefix + _bare(pattern.pattern.regex.pattern), translated)


def all_routes():
    """Every URL pattern, in resolver order, each once (the admin registers some twice)."""
    routes, seen = [], set()
    for route in _walk(get_resolver().url_patterns, "", [], False):
        if (route.name, route.regex) not in seen:
            seen.add((route.name, route.regex))
            routes.append(route)
    return routes
