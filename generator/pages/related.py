"""Stage 4, site: related papers, computed at build time from titles, abstracts and topics.

Pure: papers in, ``{paper_id: [(other_id, score), ...]}`` out (best first, at most ``k``).

Each paper becomes three TF-IDF vectors (scikit-learn, sublinear tf, rows L2-normalised):

* title words (unigrams and bigrams): "Scaling Law", "Time Series";
* title character n-grams inside words (3 to 5 characters), so model names that share a stem find each
  other however they are written: ``FLM-101B`` / ``Tele-FLM``, ``LLaMAntino`` / ``LLaMAntino-3-ANITA``,
  ``YOLOv6`` / ``YOLOv11``;
* abstract words (unigrams and bigrams, English stop words dropped).

The score of a pair is the weighted mean of the three cosine similarities plus a small boost for
shared topics (their Jaccard index). The product ``X·Xᵀ`` is computed in row chunks and only the
top ``k`` of each row are kept (``argpartition``), so memory grows with ``chunk × N``, never ``N × N``.
Ties are broken by paper id, and scores are rounded, so the result is the same on every run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.records.records import Paper

TOP_K = 5
TITLE_WORD_WEIGHT = 1.0
TITLE_CHAR_WEIGHT = 1.0
ABSTRACT_WEIGHT = 1.5
NAME_WEIGHT = 0.5
TITLE_NAME_WEIGHT = 1.0
TOPIC_BOOST = 0.05
CHUNK_ROWS = 512
# Terms in more than this share of papers add little and make X·Xᵀ dense; dropping them keeps it fast.
COMMON_MAX_DF = 0.05
MIN_COMMON = 20
SCORE_DECIMALS = 6
LATEX_MARKUP = re.compile(r"\\[a-zA-Z]+|[$^_{}]")
# A name: a word with a capital after its first letter or with letters and digits (FLM-101B, LLaMAntino, GPT-4).
WORD = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*")
NAME_SHAPE = re.compile(r"^.[^A-Z]*[A-Z]|[A-Za-z].*\d|\d.*[A-Za-z]")
NAME_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|[-.]")
VERSION_V = re.compile(r"(?<=[a-z])v(?=\d)", re.IGNORECASE)  # YOLOv6 -> YOLO 6, MobileNetV2 -> MobileNet 2
SIZE = re.compile(r"^[\d.]+[kmbt]?$", re.IGNORECASE)  # 7B, 100K, 1.5: sizes, not names
NAME_MAX_DF = 0.1  # a name in more than a tenth of the papers (LLM, GPT) says nothing about a family

Related = dict[str, list[tuple[str, float]]]


def _plain(text: str) -> str:
    """Text without LaTeX markup: ``$\\textbf{S}^2$IP-LLM`` -> ``S2IP-LLM``."""
    return LATEX_MARKUP.sub("", text)


def name_stems(text: str) -> str:
    """The model and method names of a text and their stems, lower-cased, one token each.

    ``Tele-FLM (FLM-2)`` -> ``tele-flm flm flm-2``; ``ChocoLlama`` -> ``chocollama choco llama``;
    ``YOLOv11`` -> ``yolov11 yolo``. Ordinary words are left out.
    """
    tokens = [token for word in WORD.findall(text) for token in _word_names(word)]
    return " ".join(dict.fromkeys(tokens))


@lru_cache(maxsize=65536)
def _word_names(word: str) -> tuple[str, ...]:
    """The name tokens of one word (cached: words repeat across a catalogue)."""
    if not NAME_SHAPE.search(word):
        return ()
    tokens = [] if SIZE.match(word) else [word.lower()]
    for part in VERSION_V.sub("-", word).split("-"):
        pieces = [part, *NAME_BREAK.split(part)]
        tokens.extend(piece.lower() for piece in pieces if len(piece) > 1 and not SIZE.match(piece))
    return tuple(tokens)


def _block(vectorizer: TfidfVectorizer, texts: list[str], weight: float) -> sparse.csr_matrix:
    """One L2-normalised TF-IDF block scaled so its dot products carry ``weight``."""
    if not any(text.strip() for text in texts):
        return sparse.csr_matrix((len(texts), 0))
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words or too-short tokens: the block carries no signal
        return sparse.csr_matrix((len(texts), 0))
    return normalize(matrix.tocsr()) * np.sqrt(weight)


def _max_df(fraction: float, count: int) -> float:
    """A document-frequency cut that never removes a term shared by fewer than MIN_COMMON papers."""
    return min(1.0, max(fraction, MIN_COMMON / count))


def text_matrix(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """Rows = papers; the dot product of two rows is their weighted text similarity in [0, 1]."""
    titles = [_plain(paper.title) for paper in papers]
    abstracts = [_plain(paper.abstract or "") for paper in papers]
    common, names = _max_df(COMMON_MAX_DF, len(papers)), _max_df(NAME_MAX_DF, len(papers))
    total = TITLE_WORD_WEIGHT + TITLE_CHAR_WEIGHT + ABSTRACT_WEIGHT + NAME_WEIGHT + TITLE_NAME_WEIGHT
    blocks = [
        _block(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=common), titles, TITLE_WORD_WEIGHT / total
        ),
        _block(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, max_df=common),
            titles,
            TITLE_CHAR_WEIGHT / total,
        ),
        _block(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", max_df=common),
            abstracts,
            ABSTRACT_WEIGHT / total,
        ),
        _block(
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, max_df=names),
            [name_stems(f"{title} {abstract}") for title, abstract in zip(titles, abstracts, strict=True)],
            NAME_WEIGHT / total,
        ),
        _block(
            TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, max_df=names),
            [name_stems(title) for title in titles],
            TITLE_NAME_WEIGHT / total,
        ),
    ]
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


def topic_matrix(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """Rows = papers, columns = topics, 1 where the paper has the topic."""
    topic_ids = sorted({topic_id for paper in papers for topic_id in paper.topics})
    column = {topic_id: index for index, topic_id in enumerate(topic_ids)}
    rows, columns = [], []
    for row, paper in enumerate(papers):
        for topic_id in paper.topics:
            rows.append(row)
            columns.append(column[topic_id])
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, columns)), shape=(len(papers), len(topic_ids)))


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best positive scores of one row, best first, ties by index (= id order)."""
    if k < len(scores):
        threshold = scores[np.argpartition(scores, -k)[-k]]
        candidates = np.flatnonzero((scores >= threshold) & (scores > 0))
    else:
        candidates = np.flatnonzero(scores > 0)
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k]


def chunk_scores(text: sparse.csr_matrix, topics: sparse.csr_matrix, start: int, stop: int) -> np.ndarray:
    """Dense scores of rows ``start:stop`` against every paper; self-pairs set to -1."""
    scores = (text[start:stop] @ text.T).toarray()
    shared = (topics[start:stop] @ topics.T).toarray()
    sizes = np.asarray(topics.sum(axis=1)).ravel()
    union = sizes[start:stop, None] + sizes[None, :] - shared
    scores += TOPIC_BOOST * np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    scores = np.round(scores, SCORE_DECIMALS)
    scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
    return scores


def related_papers(papers: Sequence[Paper], *, k: int = TOP_K, chunk_rows: int = CHUNK_ROWS) -> Related:
    """The ``k`` most similar papers of every paper, best first, as ``(other_id, score)``."""
    ordered = sorted(papers, key=lambda paper: paper.id)
    if len(ordered) < 2:
        return {paper.id: [] for paper in ordered}
    text = text_matrix(ordered)
    topics = topic_matrix(ordered)
    related: Related = {}
    for start in range(0, len(ordered), chunk_rows):
        stop = min(start + chunk_rows, len(ordered))
        scores = chunk_scores(text, topics, start, stop)
        for offset, row in enumerate(scores):
            best = _top_k(row, k)
            related[ordered[start + offset].id] = [(ordered[index].id, float(row[index])) for index in best]
    return related
