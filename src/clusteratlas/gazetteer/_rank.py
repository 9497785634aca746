"""Scoring candidate divisions by the query mentions they explain (shared by every resolver path).

Private module: the public API is :mod:`clusteratlas.gazetteer`. A *mention* is a piece of the query with
the divisions it may name, each with a match quality in (0, 1]. A division explains a mention when it, or
one of its ancestors, is among the mention's candidates. Its score sums the best quality per explained
mention, so the deepest unit consistent with every part of the query wins; a small prior (level first,
then prominence) orders candidates that explain the same mentions.
"""

from __future__ import annotations

from typing import NamedTuple

from clusteratlas.gazetteer import _tables as gd

#: Prior weight of each level (1 province … 4 township) for candidates explaining the same mentions.
LEVEL_PRIOR = {1: 1.0, 2: 0.85, 3: 0.6, 4: 0.3}
PRIOR_WEIGHT = 0.15
#: Candidates within this much of the best (explained score, and score with prior) make a result ambiguous.
AMBIGUITY_MARGIN = 0.05

Cand = tuple[float, str, str]  # quality, match, note


class Mention(NamedTuple):
    """A piece of the query and the divisions it may name."""

    text: str
    cands: dict[str, Cand]
    kind: str  # "zh" | "latin" | "code" | "fuzzy"


def add_cand(cands: dict[str, Cand], code: str, cand: Cand) -> None:
    """Keep the better of two candidates for one code in a mention."""
    old = cands.get(code)
    if old is None or cand[0] > old[0]:
        cands[code] = cand


class Ranked(NamedTuple):
    """One scored candidate division."""

    code: str
    explained: float  # sum over mentions of the best quality this unit (or an ancestor) gets
    final: float  # explained + prior
    n_mentions: int
    match: str
    notes: tuple[str, ...]
    area: bool  # the unit's own mention is a named area (雄安新区): a member, not a rival


def rank(mentions: list[Mention], *, address: bool = False, prune: bool = False) -> list[Ranked]:
    """Score every candidate of every mention by the mentions it explains (see the module docstring).

    With ``prune``, candidates that explain two or more mentions fewer than the best are not scored (the
    bulk path: it only needs the winner and its rivals).
    """
    from clusteratlas.gazetteer._history import rank_paths

    units = gd.units()
    paths = rank_paths()  # ancestors, and the units a unit was carved out of (龙港市 out of 苍南县)
    mds = [m.cands for m in mentions]
    mask: dict[str, int] = {}
    get = mask.get
    for i, md in enumerate(mds):
        bit = 1 << i
        for code in md:
            mask[code] = get(code, 0) | bit
    codes = list(mask)
    if prune and len(codes) > 1:
        support: dict[str, int] = {}
        for code in codes:
            m = 0
            for anc in paths[code]:
                m |= get(anc, 0)
            support[code] = m.bit_count()
        top = max(support.values())
        leaders = [c for c in codes if support[c] == top]
        if top == len(mds) and len(leaders) == 1 and len(mds) > 1:
            codes = leaders  # one unit explains every mention and no other does: the clean address case
        else:
            codes = [c for c in codes if support[c] >= top - 1]
    ranked: list[Ranked] = []
    for code in codes:
        r = score_one(code, mds, paths, units, address)
        if r is not None:
            ranked.append(r)
    # by the score callers see (explained, capped at the number of mentions), then by the prior
    n_all = len(mds)
    ranked.sort(key=lambda r: (-round(min(r.explained, n_all), 3), -r.final, r.code))
    return ranked


def score_one(code: str, mds: list[dict[str, Cand]], paths: dict[str, tuple[str, ...]], units: dict,
              address: bool) -> Ranked | None:
    """One candidate's score over the mentions' candidate dicts (see :func:`rank`); None when no mention
    names the unit itself."""
    ancestors = paths[code][:-1]
    total = 0.0
    own_total = 0.0
    n = 0
    own: Cand | None = None
    owns_one = False  # some mention names this unit at least as well as any of its ancestors
    notes: list[str] = []
    area = False
    for md in mds:
        mine = md.get(code)
        anc_best: Cand | None = None
        for anc in ancestors:
            c = md.get(anc)
            if c is not None and (anc_best is None or c[0] > anc_best[0]):
                anc_best = c
        if mine is None:
            if anc_best is None:
                continue
            best = anc_best
            own_total += anc_best[0]
        else:
            if anc_best is None or mine[0] >= anc_best[0]:
                owns_one = True
                best = mine
            else:
                best = anc_best
            own_total += mine[0]
            if own is None or mine[0] > own[0]:
                own = mine
                area = mine[1] == "alias" and bool(mine[2]) and sum(
                    1 for c in md.values() if c[2] == mine[2]) > 1
        n += 1
        total += best[0]
        if best[2] and best[2] not in notes:
            notes.append(best[2])
    if own is None:
        return None
    if not owns_one:
        total = own_total  # named only where an ancestor is named better (建安区 for "Xuchang")
    match = own[1]
    if match == "exact" and address and n >= 2:
        match = "address"
    unit = units[code]
    prior = LEVEL_PRIOR[unit.level] * 0.75 + unit.prominence * 0.25
    return Ranked(code, total, total + PRIOR_WEIGHT * prior, n, match, tuple(notes), area)


def clean_leader(mds: list[dict[str, Cand]], paths: dict[str, tuple[str, ...]]) -> str | None:
    """The one unit explaining every mention when the last mention names only townships (which have no
    descendants, so no other unit can explain it): :func:`rank` with ``prune`` scores that unit alone. None
    when there is no such unit, more than one, or the last mention names something else."""
    *firsts, last = mds
    for code in last:
        if len(code) != 9:
            return None
    leader = None
    for code in last:
        path = paths[code]
        for md in firsts:
            for anc in path:
                if anc in md:
                    break
            else:
                break
        else:
            if leader is not None:
                return None
            leader = code
    return leader


def is_ambiguous(ranked: list[Ranked]) -> bool:
    """True when another candidate explains the query about as well as the first (its explained score and
    its score with the prior both within :data:`AMBIGUITY_MARGIN`) and is not its ancestor (nor a fellow
    member of the same named area)."""
    if len(ranked) < 2:
        return False
    top = ranked[0]
    units = gd.units()
    top_unit = units[top.code]
    path = top_unit.path
    for r in ranked[1:]:
        if r.explained < top.explained - AMBIGUITY_MARGIN or r.final < top.final - AMBIGUITY_MARGIN:
            continue
        if r.code in path or (top.area and r.area):
            continue
        if top_unit.level == 3 and units[r.code].parent == top.code:
            continue  # the county's seat town named after it (固安县 / 固安镇)

        return True
    return False


def drop_ancestors(ranked: list[Ranked]) -> list[Ranked]:
    """Remove candidates that are ancestors of the first one and explain less (they are in its path)."""
    if not ranked:
        return ranked
    top = ranked[0]
    path = set(gd.units()[top.code].path[:-1])
    return [r for r in ranked if not (r.code in path and r.explained < top.explained)]




_EXPLICIT_MATCHES = frozenset({"exact", "english", "pinyin", "former_name", "alias", "address"})


def check_named_regions(ranked: list[Ranked], mentions: list[Mention],
                        ambiguous: bool) -> tuple[list[Ranked], bool]:
    """Never let a province or prefecture named in the query lose silently to a match elsewhere.

    A mention whose best candidate is a province or prefecture (level 1-2, a real name match, quality >= 0.9)
    must be explained by the first candidate (the unit or one of its ancestors). When it is not, the first
    candidate is dropped if it was only a fuzzy match, and otherwise kept but flagged ambiguous with a note, so
    that it is never reported as ``matched``.
    """
    if not ranked or len(mentions) < 2:
        return ranked, ambiguous
    units = gd.units()
    top = ranked[0]
    path = set(units[top.code].path)
    missed: list[str] = []
    for m in mentions:
        if not m.cands or any(c in path for c in m.cands):
            continue
        best_q = max(c[0] for c in m.cands.values())
        for code, (q, match, _note) in m.cands.items():
            if (q >= 0.9 and q >= best_q - 1e-9 and match in _EXPLICIT_MATCHES and units[code].level <= 2
                    and units[code].name not in missed):
                missed.append(units[code].name)
                break
    if not missed:
        return ranked, ambiguous
    if top.match == "fuzzy":
        return [], False
    note = f"the query also names {'/'.join(missed)}, which does not contain this place"
    return [top._replace(notes=(*top.notes, note)), *ranked[1:]], True
