"""Stage 4, site: related papers, computed at build time from titles, abstracts and topics.

Pure: papers in, ``{paper_id: [(other_id, score), ...]}`` out (best first, at most ``k``).

Each paper becomes five TF-IDF blocks (scikit-learn, sublinear tf, rows L2-normalised):

* title words (unigrams and bigrams): "Scaling Law", "Time Series";
* title character n-grams inside words (3 to 5 characters), so model names that share a stem find each
  other however they are written: ``FLM-101B`` / ``Tele-FLM``, ``LLaMAntino`` / ``LLaMAntino-3-ANITA``,
  ``YOLOv6`` / ``YOLOv11``;
* abstract words (unigrams and bigrams, English stop words dropped);
* model names found in the title and abstract, and in the title alone (``name_stems``).

The score of a pair is the weighted mean of the five cosine similarities plus a small boost for
shared topics (their Jaccard index). The product ``X·Xᵀ`` is computed in row chunks and only the
top ``k`` of each row are kept (``argpartition``), so memory grows with ``chunk × N``, never ``N × N``.
Ties are broken by paper id, and scores are rounded, so the result is the same on every run.

``memo`` (kept by ``mkdocs serve`` across rebuilds) gives back each TF-IDF block whose texts did not
change, and the ranking when no text and no topic changed: a retitled paper refits the four blocks
that read titles but not the abstract block, the slowest. Each memoised step is a pure function of what its
key digests, so the result is exactly the one computed without a memo (what ``mkdocs build`` gives).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
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
TOTAL_WEIGHT = TITLE_WORD_WEIGHT + TITLE_CHAR_WEIGHT + ABSTRACT_WEIGHT + NAME_WEIGHT + TITLE_NAME_WEIGHT

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


def _call(key: object, function: Callable, /, *args: object, **kwargs: object) -> object:
    return function(*args, **kwargs)


def _digest(data: object) -> str:
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


def _title_words(titles: list[str]) -> sparse.csr_matrix:
    common = _max_df(COMMON_MAX_DF, len(titles))
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=common)
    return _block(vectorizer, titles, TITLE_WORD_WEIGHT / TOTAL_WEIGHT)


def _title_chars(titles: list[str]) -> sparse.csr_matrix:
    common = _max_df(COMMON_MAX_DF, len(titles))
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, max_df=common)
    return _block(vectorizer, titles, TITLE_CHAR_WEIGHT / TOTAL_WEIGHT)


def _abstract_words(abstracts: list[str]) -> sparse.csr_matrix:
    common = _max_df(COMMON_MAX_DF, len(abstracts))
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", max_df=common)
    return _block(vectorizer, abstracts, ABSTRACT_WEIGHT / TOTAL_WEIGHT)


def _names(titles: list[str], abstract_names: list[str]) -> sparse.csr_matrix:
    names = _max_df(NAME_MAX_DF, len(titles))
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, max_df=names)
    texts = [_joined(name_stems(title), found) for title, found in zip(titles, abstract_names, strict=True)]
    return _block(vectorizer, texts, NAME_WEIGHT / TOTAL_WEIGHT)


def _joined(first: str, second: str) -> str:
    """``name_stems(f"{a} {b}")`` from ``name_stems(a)`` and ``name_stems(b)``: no name spans a space."""
    return " ".join(dict.fromkeys([*first.split(), *second.split()]))


def _abstract_names(abstracts: list[str]) -> list[str]:
    return [name_stems(abstract) for abstract in abstracts]


def _title_names(titles: list[str]) -> sparse.csr_matrix:
    names = _max_df(NAME_MAX_DF, len(titles))
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True, max_df=names)
    return _block(vectorizer, [name_stems(title) for title in titles], TITLE_NAME_WEIGHT / TOTAL_WEIGHT)


# Each block and the texts it reads: its memo key digests only those.
BLOCKS = (
    (_title_words, ("titles",)),
    (_title_chars, ("titles",)),
    (_abstract_words, ("abstracts",)),
    (_names, ("titles", "abstract_names")),
    (_title_names, ("titles",)),
)


def _texts(papers: Sequence[Paper]) -> dict[str, list[str]]:
    return {
        "titles": [_plain(paper.title) for paper in papers],
        "abstracts": [_plain(paper.abstract or "") for paper in papers],
    }


def _blocks(
    texts: dict[str, list[str]], *, memo: Callable[..., object] = _call, digests: dict[str, str] | None = None
) -> list[sparse.csr_matrix]:
    """The TF-IDF blocks, each kept in ``memo`` under the ``digests`` of the texts it reads.

    The abstracts' names (the slow half of the name block) are found apart from the titles', so a
    retitled paper finds them kept.
    """
    digests = digests or {}
    key = ("related-abstract-names", digests.get("abstracts"))
    texts = {**texts, "abstract_names": memo(key, _abstract_names, texts["abstracts"])}
    digests = {**digests, "abstract_names": digests.get("abstracts")}
    return [
        memo(
            ("related-block", function.__name__, *(digests.get(name) for name in reads)),
            function,
            *(texts[name] for name in reads),
        )
        for function, reads in BLOCKS
    ]


def text_matrix(papers: Sequence[Paper]) -> sparse.csr_matrix:
    """Rows = papers; the dot product of two rows is their weighted text similarity in [0, 1]."""
    return sparse.hstack(_blocks(_texts(papers)), format="csr", dtype=np.float32)


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


def chunk_scores(
    text: sparse.csr_matrix, text_t: sparse.csr_matrix, topics: np.ndarray, sizes: np.ndarray, start: int, stop: int
) -> np.ndarray:
    """Dense scores of rows ``start:stop`` against every paper; self-pairs set to -1.

    ``text_t`` is ``text.T`` as CSR, made once for all chunks (scipy would convert it on every product);
    ``topics`` is the dense topic matrix (a few dozen columns) and ``sizes`` its row sums.
    """
    scores = (text[start:stop] @ text_t).toarray()
    shared = topics[start:stop] @ topics.T
    union = sizes[start:stop, None] + sizes[None, :] - shared
    scores += TOPIC_BOOST * np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    scores = np.round(scores, SCORE_DECIMALS)
    scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
    return scores


def related_papers(
    papers: Sequence[Paper],
    *,
    k: int = TOP_K,
    chunk_rows: int = CHUNK_ROWS,
    memo: Callable[..., object] | None = None,
) -> Related:
    """The ``k`` most similar papers of every paper, best first, as ``(other_id, score)``.

    ``memo(key, function, *args)``: the function's result, or the one kept under the same key.
    """
    ordered = sorted(papers, key=lambda paper: paper.id)
    if len(ordered) < 2:
        return {paper.id: [] for paper in ordered}
    texts = _texts(ordered)
    if memo is None:
        return _rank(ordered, _blocks(texts), k=k, chunk_rows=chunk_rows)
    # Every block is asked for on every rebuild, so the memo keeps it for the next one.
    digests = {name: _digest(values) for name, values in texts.items()}
    blocks = _blocks(texts, memo=memo, digests=digests)
    key = ("related", digests, [(paper.id, paper.topics) for paper in ordered], k, chunk_rows)
    return memo(key, _rank, ordered, blocks, k=k, chunk_rows=chunk_rows)


def _rank(ordered: list[Paper], blocks: list[sparse.csr_matrix], *, k: int, chunk_rows: int) -> Related:
    """Each paper's top ``k`` by text similarity (the blocks side by side) plus the topic boost."""
    text = sparse.hstack(blocks, format="csr", dtype=np.float32)
    text_t = text.T.tocsr()
    topics = topic_matrix(ordered).toarray()
    sizes = topics.sum(axis=1)
    related: Related = {}
    for start in range(0, len(ordered), chunk_rows):
        stop = min(start + chunk_rows, len(ordered))
        scores = chunk_scores(text, text_t, topics, sizes, start, stop)
        for offset, row in enumerate(scores):
            best = _top_k(row, k)
            related[ordered[start + offset].id] = [(ordered[index].id, float(row[index])) for index in best]
    return related
