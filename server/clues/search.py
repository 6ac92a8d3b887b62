"""Searching clues (搜索): the words a person types, matched where a person would look.

The caller's jurisdiction is applied by ``scoped`` before these filters: a search only narrows
what the caller may list, it never widens it."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from server.accounts.models import User
from server.catalogue.models import Matter
from server.clues.models import Clue


def terms_of(text: str) -> list[str]:
    """The words of ``text``: full-width letters and digits as their half-width forms (NFKC,
    as a Chinese input method types them), split on any space."""
    return unicodedata.normalize("NFKC", text).split()


def search_filters(text: str, *, staff: bool) -> list[sa.ColumnElement[bool]]:
    """One filter per word: each must appear (case-insensitive, ``%`` and ``_`` as themselves)
    in the code, address, description or the matter's name or short name, or, for staff,
    the reporter's name."""
    filters = []
    for term in terms_of(text):
        matters = sa.select(Matter.id).where(
            sa.or_(
                Matter.name.icontains(term, autoescape=True),
                Matter.short_name.icontains(term, autoescape=True),
            )
        )
        where = [
            Clue.code.icontains(term, autoescape=True),
            Clue.address.icontains(term, autoescape=True),
            Clue.description.icontains(term, autoescape=True),
            Clue.matter_id.in_(matters),
        ]
        if staff:
            reporters = sa.select(User.id).where(User.display_name.icontains(term, autoescape=True))
            where.append(Clue.reporter_id.in_(reporters))
        filters.append(sa.or_(*where))
    return filters
