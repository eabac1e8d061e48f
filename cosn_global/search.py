"""Site search over published delegations, reports, dispatches, symposium editions, and
the people and organisations they name.

On PostgreSQL it is full-text search: weighted vectors (title A, summary, subtitle or theme B,
body or description C), the visitor's words read as a web search (`"a phrase"`, `-word`,
`or`), English stemming, and ts_rank ordering. Any other database gets a portable fallback:
every word must appear somewhere (case-insensitively), `-word` excludes, and the score counts
title matches above summary matches above body matches. Both give the same results page.

The query is cut to MAX_QUERY_LENGTH characters and stripped of control characters (NUL
would make PostgreSQL refuse the query), so no input can turn into an error.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from core.models import Organisation, Person
from core.richtext import plain_text
from core.schedule import live
from core.views import page_or_404
from delegations.models import Delegation, DelegationPartner, Destination, Dispatch, Report
from symposium.models import Symposium, SymposiumPartner

from .people import public_people

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_RESULTS = 100  # per kind of content: more is not a search any more, it is a list
PER_PAGE = 20
EXCERPT_LENGTH = 220
SEARCH_CONFIG = "english"

TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
PUNCTUATION = "\"'`.,;:!?()[]{}<>«»“”‘’„*-"


def clean_query(raw):
    """(query, shortened): whitespace and control characters made plain, cut to length."""
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") else char for char in raw
    )
    text = " ".join(text.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), shortened


def parse_terms(query):
    """([wanted terms], [excluded terms]) as a web search reads them; OR is ignored here."""
    wanted, excluded = [], []
    for match in TERM.finditer(query):
        negated, phrase, word = match.groups()
        if phrase is None:
            if word.upper() == "OR":
                continue
            negated = "-" if word.startswith("-") and len(word) > 1 else ""
            phrase = word[1:] if negated else word
        term = phrase.strip(PUNCTUATION + " ")
        if term:
            (excluded if negated else wanted).append(term)
    return wanted[:MAX_TERMS], excluded[:MAX_TERMS]


def uses_postgres_search():
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Kind:
    """One kind of content the search covers, and how to weigh its fields."""

    key: str
    model: type
    title_fields: tuple
    summary_fields: tuple
    body_fields: tuple
    date_fields: tuple  # the first that is set dates a result
    public: object = None  # what may be found, if not the model's published()

    def published(self):
        return self.public() if self.public else self.model.objects.published()

    def matches(self, query, wanted, excluded):
        """The published items that match, best first, as (pk, score, *date_fields)."""
        items = self.published()
        fields = self.title_fields + self.summary_fields + self.body_fields
        if uses_postgres_search():
            vector = reduce(
                lambda a, b: a + b,
                (
                    SearchVector(name, weight=weight, config=SEARCH_CONFIG)
                    for names, weight in (
                        (self.title_fields, "A"),
                        (self.summary_fields, "B"),
                        (self.body_fields, "C"),
                    )
                    for name in names
                ),
            )
            search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
            items = items.annotate(document=vector, score=SearchRank(vector, search_query))
            items = items.filter(document=search_query)
        else:
            for term in wanted:
                items = items.filter(contains_any(fields, term))
            for term in excluded:
                items = items.exclude(contains_any(fields, term))
            # Ordering for the fallback: a word in the title counts most, then the summary.
            items = items.annotate(
                score=sum(
                    (
                        Case(
                            When(contains_any(self.title_fields, term), then=Value(3)),
                            When(contains_any(self.summary_fields, term), then=Value(2)),
                            default=Value(1),
                            output_field=IntegerField(),
                        )
                        for term in wanted
                    ),
                    start=Value(0, output_field=IntegerField()),
                )
            )
        order = ["-score", "pk"]
        if self.date_fields:
            date = (
                Coalesce(*self.date_fields) if len(self.date_fields) > 1 else F(self.date_fields[0])
            )
            order.insert(1, date.desc(nulls_last=True))
        return items.order_by(*order).values_list("pk", "score", *self.date_fields)[:MAX_RESULTS]


def contains_any(fields, term):
    if not fields:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields))


def public_organisations():
    """Organisations something public names: a partner of a trip or an edition, or the
    organisation of someone with a page."""
    return Organisation.objects.filter(
        Q(
            pk__in=DelegationPartner.objects.filter(
                live("delegation__"), delegation__is_published=True
            ).values("organisation")
        )
        | Q(
            pk__in=SymposiumPartner.objects.filter(
                live("symposium__"), symposium__is_published=True
            ).values("organisation")
        )
        | Q(pk__in=public_people().values("organisation"))
    )


KINDS = (
    Kind("delegation", Delegation, ("title",), ("summary",), ("body",), ("start_date",)),
    Kind(
        "report",
        Report,
        ("title", "alternate_title"),
        ("subtitle", "summary"),
        (),
        ("published_on", "delegation__start_date"),
    ),
    Kind(
        "dispatch",
        Dispatch,
        ("title",),
        ("author__name",),
        ("body", "transcript"),
        ("published_on",),
    ),
    Kind(
        "symposium",
        Symposium,
        ("title",),
        ("theme",),
        ("description", "location"),
        ("year",),
    ),
    Kind("person", Person, ("name",), ("title", "organisation__name"), ("bio",), (), public_people),
    Kind("organisation", Organisation, ("name", "short_name"), (), (), (), public_organisations),
)
# The second query, for one page of results only: what each kind's listing needs.
PAGE_QUERYSETS = {
    "delegation": lambda: Delegation.objects.prefetch_related(
        Prefetch("destinations", queryset=Destination.objects.select_related("country"))
    ),
    "report": lambda: Report.objects.select_related("delegation"),
    "dispatch": lambda: Dispatch.objects.select_related("delegation", "author"),
    "symposium": lambda: Symposium.objects.all(),
    "person": lambda: Person.objects.select_related("organisation"),
    "organisation": lambda: Organisation.objects.all(),
}


def as_date(value):
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int):  # a symposium known only by its year
        return datetime.date(value, 1, 1)
    return None


@dataclass
class Hit:
    kind: str
    pk: int
    score: float
    date: datetime.date | None
    obj: object = None
    excerpt: str = ""

    @property
    def sort_key(self):
        return (-self.score, -(self.date.toordinal() if self.date else 0), self.kind, self.pk)

    # For an organisation, which has no page of its own: what it took part in (see load).
    links: list = field(default_factory=list)

    @property
    def label(self):
        if self.kind == "dispatch":
            return self.obj.get_kind_display()
        return self.kind.capitalize()

    @property
    def url(self):
        if self.kind == "organisation":
            return self.links[0][1] if self.links else ""
        return self.obj.get_absolute_url()


def search(query):
    """Every match for `query`, best first, as Hits without their objects (see load)."""
    wanted, excluded = parse_terms(query)
    if not wanted:  # nothing to look for: "-word" alone or only punctuation
        return []
    hits = [
        Hit(kind.key, pk, score, next(filter(None, map(as_date, dates)), None))
        for kind in KINDS
        for pk, score, *dates in kind.matches(query, wanted, excluded)
    ]
    return sorted(hits, key=lambda hit: hit.sort_key)


def load(hits, query):
    """Fetch the objects of one page of hits (one query per kind) and write their excerpts.

    A hit whose item was deleted since the first query is left out.
    """
    wanted, _ = parse_terms(query)
    by_kind = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.pk)
    objects = {kind: PAGE_QUERYSETS[kind]().in_bulk(pks) for kind, pks in by_kind.items() if pks}
    links = organisation_links(by_kind.get("organisation", []))
    loaded = []
    for hit in hits:
        hit.obj = objects[hit.kind].get(hit.pk)
        if hit.obj is not None:
            hit.excerpt = excerpt(texts_of(hit), wanted)
            hit.links = links.get(hit.pk, [])
            loaded.append(hit)
    return loaded


def organisation_links(pks):
    """{organisation pk: [(what, url)]}: the trips and editions it was a partner of, and the
    people of it with a page. Three queries, however many organisations."""
    links = {pk: [] for pk in pks}
    if not pks:
        return links
    trips = DelegationPartner.objects.filter(
        organisation__in=pks, delegation__in=Delegation.objects.published()
    ).select_related("delegation")
    editions = SymposiumPartner.objects.filter(
        organisation__in=pks, symposium__in=Symposium.objects.published()
    ).select_related("symposium")
    for partner in trips:
        links[partner.organisation_id].append(
            (partner.delegation.event_name, partner.delegation.get_absolute_url())
        )
    for partner in editions:
        edition = partner.symposium
        links[partner.organisation_id].append(
            (f"{edition.year} {edition.title}", edition.get_absolute_url())
        )
    for person in public_people().filter(organisation__in=pks):
        links[person.organisation_id].append((person.name, person.get_absolute_url()))
    return links


def texts_of(hit):
    obj = hit.obj
    return {
        "delegation": lambda: [obj.summary, obj.body],
        "report": lambda: [obj.subtitle, obj.summary],
        "dispatch": lambda: [obj.body, obj.transcript],
        "symposium": lambda: [obj.theme, obj.description],
        "person": lambda: [obj.title, obj.bio],
        "organisation": lambda: [],
    }[hit.kind]()


def excerpt(texts, terms, length=EXCERPT_LENGTH):
    """A short passage around the first word found, safe HTML with the words in <mark>."""
    texts = [text for text in map(plain_text, texts) if text]
    if not texts:
        return ""
    pattern = (
        re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))), re.IGNORECASE)
        if terms
        else None
    )
    text, start = texts[0], 0
    for candidate in texts:
        found = pattern.search(candidate) if pattern else None
        if found:
            text, start = candidate, max(0, found.start() - length // 3)
            break
    if start:
        # Begin at a word, not in the middle of one.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    passage = text[start : start + length]
    end = start + len(passage)
    if end < len(text):
        passage = passage.rsplit(" ", 1)[0] if " " in passage else passage
    parts, position = [], 0
    for found in pattern.finditer(passage) if pattern else ():
        parts += [
            escape(passage[position : found.start()]),
            format_html("<mark>{}</mark>", found[0]),
        ]
        position = found.end()
    parts.append(escape(passage[position:]))
    # Every piece above went through escape() or format_html().
    excerpt = ("… " if start else "") + "".join(parts) + (" …" if end < len(text) else "")
    return mark_safe(excerpt)  # nosec B308 B703


class SearchView(TemplateView):
    """GET /search/?q=words&page=N: no form token, so the page stays cacheable."""

    template_name = "search.html"
    paginate_by = PER_PAGE

    def get_context_data(self, **kwargs):
        query, shortened = clean_query(self.request.GET.get("q", ""))
        hits = search(query) if query else []
        page = page_or_404(hits, self.paginate_by, self.request, "search results")
        return super().get_context_data(
            query=query,
            shortened=shortened,
            max_length=MAX_QUERY_LENGTH,
            results=load(page.object_list, query),
            page_obj=page,
            page_params={"q": query} if query else {},
            **kwargs,
        )
