"""A search (``GET /api/search/``) and the unmet demand it shows."""

from __future__ import annotations

from matching.engine import Position
from matching.selectors import SearchPage, items_search
from reports.services import demand_search_unmet


def search(
    *,
    name: str,
    keywords: list[str],
    at: Position | None,
    ranking: str,
    limit: int,
    offset: int,
) -> SearchPage:
    """``matching.selectors.items_search``; a first page with nothing (or only similar
    items) anywhere is unmet demand, counted once a search."""
    page = items_search(
        name=name, keywords=keywords, at=at, ranking=ranking, limit=limit, offset=offset
    )
    if offset == 0 and (not page.hits or page.hits[0].similar):
        demand_search_unmet(q=name, keywords=keywords, similar_only=bool(page.hits))
    return page
