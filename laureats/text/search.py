"""Full-text search pieces shared by the model (which stores the vector) and the FilterSet."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, TextField

CONFIG = "french"


class SearchTitle(Func):
    """The first line of `Laureate.search_document`: the normalised name and acronym."""

    output_field = TextField()

    def __init__(self):
        super().__init__(F("search_document"))

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="split_part(%(expressions)s, chr(10), 1)",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="substr(%(expressions)s, 1, instr(%(expressions)s || char(10), char(10)) - 1)",
            **extra_context,
        )


def weighted_vector():
    """The stored vector: title words weigh A, the rest D, so that ranking favours the title."""
    return SearchVector(SearchTitle(), config=CONFIG, weight="A") + SearchVector(
        "search_document", config=CONFIG, weight="D"
    )


def prefix_query(words):
    """Every word as a prefix, all required: "formations numeri" finds "formation numérique".

    `words` come from `text.search_words`, so only [a-z0-9] ever reaches to_tsquery.
    """
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config=CONFIG, search_type="raw")
