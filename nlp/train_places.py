"""Train the place decision per language: `python -m nlp.train_places [--lang en|fr]`.

English learns from the GeoWebNews/LGL dev half (GPL-3.0); French from the Europeana Newspapers
French NER set (CC0).
HIPE, the French tweets and the French reviews are never learnt from. Thresholds are chosen on
out-of-fold probabilities of the training data (document folds), never on the items scored.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from nlp.place_model import PlaceModel, Thresholds, model_path
from nlp.training import fit_logistic

logger = logging.getLogger(__name__)

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
L2 = 2.0
MIN_COUNT = 3  # a context word seen fewer times in training is no feature
FOLDS = 5
Span = tuple[int, int]


@dataclass
class LabelledText:
    """A text with its gold place spans (and spans that count neither way)."""

    id: str
    corpus: str
    lang: str
    text: str
    places: list[Span]
    ignored: list[Span] = field(default_factory=list)
    title: str | None = None
    links: dict[Span, dict[str, Any]] = field(default_factory=dict)  # gold geonames id / coordinates
    weight: float = 1.0  # how much each of its candidates counts in training


@dataclass
class CandidateRow:
    """One candidate of a labelled text: bounds, features, whether it links, its gold label."""

    start: int
    end: int
    features: dict[str, float]
    linked: bool
    label: int | None  # 1 a place, 0 not, None only overlaps an ignored span
    watched: bool = False  # a watchlist hit
    vouched: bool = False  # a watchlist hit kept whatever its probability (`Evidence.vouches`)


@dataclass
class DocRows:
    text: LabelledText
    rows: list[CandidateRow]
    watchlist: bool = False  # candidates found with a simulated watchlist (training only)


# -- corpora ----------------------------------------------------------------------------------


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def toponyms_en(root: Path = DATASETS) -> list[LabelledText]:
    """GeoWebNews and LGL (the dev half): `place` spans, `ignore` spans count neither way."""
    out = []
    for r in _jsonl(root / "toponyms_en.jsonl"):
        places = [(t["start"], t["end"]) for t in r["toponyms"] if t["role"] == "place"]
        links = {(t["start"], t["end"]): t for t in r["toponyms"] if t["role"] == "place"}
        ignored = [(t["start"], t["end"]) for t in r["toponyms"] if t["role"] == "ignore"]
        out.append(LabelledText(str(r["doc_id"]), str(r["corpus"]), "en", r["text"], places, ignored,
                                r.get("title"), links))
    return out


def geovirus(root: Path = DATASETS) -> list[LabelledText]:
    """GeoVirus English Wikinews articles with their toponyms."""
    return [
        LabelledText(str(r["id"]), "GeoVirus", "en", r["text"],
                     [(e["start"], e["end"]) for e in r["entities"]],
                     links={(e["start"], e["end"]): e for e in r["entities"]})
        for r in _jsonl(root / "train" / "geovirus_en_toponyms.jsonl.gz")
    ]


def detokenize(text: str) -> tuple[str, list[int]]:
    """Undo the space-joined tokens of a CoNLL-style text ("l' Angleterre , en 1908 ." →
    "l'Angleterre, en 1908."); returns the text and, for each input offset, the output offset."""
    tokens = text.split(" ")
    out: list[str] = []
    mapping = [0] * (len(text) + 1)
    pos = 0  # offset in the input
    length = 0  # length of the output so far
    prev = ""
    for i, tok in enumerate(tokens):
        glue = i == 0 or tok in (",", ".", ")", "]", "...") or prev.endswith(("'", "’", "(", "["))
        if i > 0:
            mapping[pos - 1] = length  # the space itself maps to where the next token starts
            if not glue:
                out.append(" ")
                length += 1
        for j in range(len(tok)):
            mapping[pos + j] = length + j
        out.append(tok)
        length += len(tok)
        pos += len(tok) + 1
        prev = tok
    mapping[len(text)] = length
    return "".join(out), mapping


def europeana_fr(root: Path = DATASETS) -> list[LabelledText]:
    """Europeana Newspapers French NER segments (LOC spans), detokenized to read like text."""
    out = []
    for r in _jsonl(root / "train" / "europeana_fr_ner.jsonl.gz"):
        text, m = detokenize(r["text"])
        places = [(m[e["start"]], m[e["end"]]) for e in r["entities"] if e["type"] == "LOC"]
        out.append(LabelledText(str(r["id"]), "Europeana", "fr", text, places))
    return out


SENTENCES = Path(__file__).parent / "data" / "place_sentences.jsonl"
SENTENCE_WEIGHT = 5.0  # a few dozen written sentences against thousands of news candidates


def gold_spans(text: str, surfaces: Sequence[str]) -> list[Span]:
    """The spans a written sentence's listed places stand for: a surface listed k times is its last
    k case-sensitive, whole-word occurrences (a person named like the town comes first: "Florence
    a réservé une chambre à Florence")."""
    spans: list[Span] = []
    for surface in dict.fromkeys(surfaces):
        k = list(surfaces).count(surface)
        found = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)]
        if len(found) < k:
            raise ValueError(f"{surface!r} occurs {len(found)} times in {text!r}, listed {k} times")
        spans += found[-k:]
    return sorted(spans)


def written_sentences(lang: str, path: Path = SENTENCES) -> list[LabelledText]:
    """Short sentences written for placewatch, one language's: homonyms a news corpus rarely shows
    (a town that is a first name, a common word, a wine, a company), the listed places' spans
    (`gold_spans`) places and every other candidate not."""
    return [LabelledText(f"written:{i}", "written", lang, r["text"], gold_spans(r["text"], r["places"]),
                         weight=SENTENCE_WEIGHT)
            for i, r in enumerate(_jsonl(path)) if r["lang"] == lang]


def hipe_fr(root: Path = DATASETS) -> list[LabelledText]:
    """HIPE French newspapers, `loc*` entities: for evaluation and thresholds only, never training."""
    return [
        LabelledText(str(r["doc_id"]), "HIPE", "fr", r["text"],
                     [(e["start"], e["end"]) for e in r["entities"] if str(e["type"]).startswith("loc")])
        for r in _jsonl(root / "toponyms_fr_hipe.jsonl")
    ]


# -- candidates and their features --------------------------------------------------------------


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def label_of(span: Span, text: LabelledText) -> int | None:
    if any(overlaps(span, g) for g in text.places):
        return 1
    if any(overlaps(span, g) for g in text.ignored):
        return None
    return 0


def simulated_watchlist(texts: Sequence[LabelledText], lang: str = "", min_count: int = 2) -> list[dict[str, Any]]:
    """A watchlist like a marketer's, since no labelled corpus comes with one: the place names the
    texts mention at least twice, and the town names that are also common words of the language
    (Nice, Reading, Orange) which the texts use at least twice. It teaches the model what a watched
    name's hit is worth in every case and context (a lower-case "turkey", a sentence-opening "Hope")."""
    from nlp.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    counts = Counter(t.text[s:e] for t in texts for s, e in t.places)
    # a marketer watches places, not the adjectives of their peoples ("Russian", "Lyonnais")
    names = {n for n, c in counts.items() if c >= min_count and sum(ch.isalpha() for ch in n) >= 3 and (
        n in gazetteer or (gazetteer.demonym_country(n) is None and not gazetteer.is_demonym(n)))}
    if lang:
        names |= homonym_names(texts, lang, min_count)
    return [{"id": f"w{i}", "name": n, "aliases": []} for i, n in enumerate(sorted(names))]


def homonym_names(texts: Sequence[LabelledText], lang: str, min_count: int) -> set[str]:
    """Town names the language's lexicons also know as common words, used in the texts."""
    import re

    from nlp.evidence import lexicon_words, model_nouns
    from nlp.gazetteer import load_gazetteer
    from nlp.pipeline import MODELS
    from nlp.text import fold

    gazetteer = load_gazetteer()
    common = lexicon_words(lang) | model_nouns(MODELS[lang])
    words = Counter(w for t in texts for w in re.findall(r"[^\W\d_]{4,}", t.text))
    return {w.capitalize() for w, c in words.items() if c >= min_count and w.islower()
            and fold(w) in common and gazetteer.is_primary(w.capitalize())}


def extract(
    texts: Sequence[LabelledText], lang: str, watchlist: Sequence[dict[str, Any]] = (), batch_size: int = 32
) -> list[DocRows]:
    """Run the language's pipeline (without the decision) and gather each text's candidates; with a
    watchlist, each text comes twice: without it, as evaluated, and with it."""
    from nlp.candidates import CandidateFinder
    from nlp.pipeline import build_pipeline
    from nlp.watchlist import WatchlistMatcher

    nlp = build_pipeline(lang, [])
    linker = nlp.get_pipe("placewatch_places")
    own, evidence = linker.parts  # type: ignore[attr-defined]
    watched = {str(t["id"]): dict(t) for t in watchlist}
    finder = CandidateFinder(watched, own.gazetteer, own.labels, own.scan_gazetteer, own.cues,
                             own.hyphen_pieces, own.streets, own.everyday_brand_words, own.named_streets,
                             own.region_articles)
    matcher = WatchlistMatcher(list(watchlist)) if watchlist else None
    out: list[DocRows] = []
    docs = []
    for t in texts:
        doc = nlp.make_doc(t.text)
        doc._.pw_title = t.title
        doc._.pw_lang = lang
        docs.append(doc)

    def rows_of(t: LabelledText, weighed: list[tuple[Any, dict[str, float]]]) -> list[CandidateRow]:
        return [CandidateRow(c.start, c.end, f, c.territory is not None or (
                    bool(c.entries) and not evidence.weak_link(t.text[c.start : c.end], c)),
                    label_of((c.start, c.end), t), c.territory is not None,
                    evidence.vouches(t.text[c.start : c.end], c)) for c, f in weighed]

    with nlp.select_pipes(disable=["placewatch_places", "placewatch_sentiment"]):
        for t, doc in zip(texts, nlp.pipe(docs, batch_size=batch_size), strict=True):
            out.append(DocRows(t, rows_of(t, linker.weigh(doc))))  # type: ignore[attr-defined]
            if matcher is not None:
                doc._.pw_territory_hits = [[h.start, h.end, h.territory, h.tagged, h.cased, h.words]
                                           for h in matcher.find(doc.text)]
                out.append(DocRows(t, rows_of(t, linker.weigh(doc, finder)), watchlist=True))  # type: ignore[attr-defined]
    return out


# -- the model ----------------------------------------------------------------------------------


def fit(docs: Iterable[DocRows], l2: float = L2) -> dict[str, float]:
    """L2-regularised logistic regression on the labelled candidates."""
    weighted = [(r, d.text.weight) for d in docs for r in d.rows if r.label is not None]
    rows = [r for r, _ in weighted]
    counts = Counter(k for r in rows for k in r.features)
    vocab = {k: i for i, k in enumerate(sorted(
        k for k, c in counts.items() if c >= MIN_COUNT or not k.startswith(("prev:", "next:"))))}
    return fit_logistic([r.features for r in rows], [float(r.label or 0) for r in rows],
                        [w for _, w in weighted], vocab, l2, maxiter=500)


def fold_of(key: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % folds


def out_of_fold(docs: Sequence[DocRows], l2: float = L2) -> list[list[float]]:
    """Each candidate's probability from a model that did not see its document."""
    probs: list[list[float]] = [[] for _ in docs]
    for k in range(FOLDS):
        model = PlaceModel(fit([d for d in docs if fold_of(d.text.id) != k], l2), Thresholds())
        for i, d in enumerate(docs):
            if fold_of(d.text.id) == k:
                probs[i] = [model.probability(r.features) for r in d.rows]
    return probs


# -- span scoring and thresholds ------------------------------------------------------------------


@dataclass(frozen=True)
class SpanScore:
    """Lenient-overlap counts: predictions matched, unmatched (false positives), gold missed."""

    tp_pred: int = 0
    fp: int = 0
    tp_gold: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp_pred / (self.tp_pred + self.fp) if self.tp_pred + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / (self.tp_gold + self.fn) if self.tp_gold + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: SpanScore) -> SpanScore:
        return SpanScore(self.tp_pred + other.tp_pred, self.fp + other.fp,
                         self.tp_gold + other.tp_gold, self.fn + other.fn)


def score_spans(predicted: Sequence[Span], places: Sequence[Span], ignored: Sequence[Span] = ()) -> SpanScore:
    """A prediction overlapping a gold place is right; one overlapping only an ignored span counts
    for nothing; any other is a false positive. A gold place no prediction overlaps is missed."""
    tp_pred = fp = 0
    for p in predicted:
        if any(overlaps(p, g) for g in places):
            tp_pred += 1
        elif not any(overlaps(p, g) for g in ignored):
            fp += 1
    tp_gold = sum(1 for g in places if any(overlaps(p, g) for p in predicted))
    return SpanScore(tp_pred, fp, tp_gold, len(places) - tp_gold)


def decide(rows: Sequence[CandidateRow], probs: Sequence[float], t: Thresholds) -> list[Span]:
    """The spans reported as places under thresholds `t` (as nlp.linking.link decides)."""
    return [(r.start, r.end) for r, p in zip(rows, probs, strict=True)
            if (r.vouched or p >= t.watched if r.watched else p >= t.place and (r.linked or p >= t.unlinked))]


def evaluate(docs: Sequence[DocRows], probs: Sequence[Sequence[float]], t: Thresholds) -> SpanScore:
    total = SpanScore()
    for d, ps in zip(docs, probs, strict=True):
        total = total + score_spans(decide(d.rows, ps, t), d.text.places, d.text.ignored)
    return total


class CutTable:
    """What each candidate of some documents would count as, so that their span score at any pair
    of cuts is a few array comparisons: exactly what `evaluate` counts, without deciding each text.

    A candidate is reported at the place cut if it links or is a watchlist hit (whose cut is the
    place cut here), at the stricter of the two cuts if nothing confirms it, and always if the
    watchlist vouches for it. A gold place is found if a reported candidate overlaps it."""

    def __init__(self, docs: Sequence[DocRows], probs: Sequence[Sequence[float]]) -> None:
        prob, at_place, always, gold, counted = [], [], [], [], []
        found_at_place, found_strict, found_always = [], [], []
        for d, ps in zip(docs, probs, strict=True):
            for r, p in zip(d.rows, ps, strict=True):
                span = (r.start, r.end)
                prob.append(p)
                at_place.append(r.linked or r.watched)
                always.append(r.watched and r.vouched)
                gold.append(any(overlaps(span, g) for g in d.text.places))
                counted.append(gold[-1] or not any(overlaps(span, g) for g in d.text.ignored))
            for g in d.text.places:
                hits = [(r, p) for r, p in zip(d.rows, ps, strict=True) if overlaps((r.start, r.end), g)]
                found_at_place.append(max([p for r, p in hits if r.linked or r.watched], default=-1.0))
                found_strict.append(max([p for r, p in hits if not (r.linked or r.watched)], default=-1.0))
                found_always.append(any(r.watched and r.vouched for r, _ in hits))
        self.prob = np.array(prob, dtype=float)
        self.at_place = np.array(at_place, dtype=bool)
        self.always = np.array(always, dtype=bool)
        self.gold = np.array(gold, dtype=bool)
        self.false = ~self.gold & np.array(counted, dtype=bool)
        self.found_at_place = np.array(found_at_place, dtype=float)
        self.found_strict = np.array(found_strict, dtype=float)
        self.found_always = np.array(found_always, dtype=bool)

    def score(self, place: float, unlinked: float) -> SpanScore:
        strict = max(place, unlinked)
        reported = self.always | (self.prob >= np.where(self.at_place, place, strict))
        found = self.found_always | (self.found_at_place >= place) | (self.found_strict >= strict)
        n_found = int(found.sum())
        return SpanScore(int((reported & self.gold).sum()), int((reported & self.false).sum()),
                         n_found, len(found) - n_found)


CUTS = [round(0.01 * i, 2) for i in range(15, 100)]
NO_UNLINKED = 1.01  # an unlinked cut no probability reaches: only what links is reported
SMOOTHING = 2  # a place cut's F1 is averaged with that of the cuts this many steps either side


def choose_thresholds(docs: Sequence[DocRows], probs: Sequence[Sequence[float]]) -> Thresholds:
    """The place cut whose span F1 on these (training) documents, averaged with the cuts around
    it, is highest (the strictest on a tie), and the unlinked cut that is best at that place cut.

    F1 is flat and jagged near its top: on a 0.05 grid the best cut moved a whole step (0.40 to
    0.45) from one retraining to the next, and between 0.35 and 0.45 on resamples of the same
    documents; averaged on a 0.01 grid it moves by hundredths."""
    table = CutTable(docs, probs)
    best = [max((table.score(place, u).f1, u) for u in [u for u in CUTS if u >= place] + [NO_UNLINKED])
            for place in CUTS]
    around = [[f for f, _ in best[max(0, i - SMOOTHING) : i + SMOOTHING + 1]] for i in range(len(CUTS))]
    i = max(range(len(CUTS)), key=lambda i: (sum(around[i]) / len(around[i]), CUTS[i]))
    place, unlinked = CUTS[i], best[i][1]
    return Thresholds(place, unlinked, min(place, 0.3), place)


def train(docs: Sequence[DocRows], l2: float = L2) -> PlaceModel:
    """The model fitted on all `docs`, with thresholds chosen on the out-of-fold probabilities of
    the texts as they are evaluated (without a simulated watchlist)."""
    probs = out_of_fold(docs, l2)
    plain = [i for i, d in enumerate(docs) if not d.watchlist]
    thresholds = choose_thresholds([docs[i] for i in plain], [probs[i] for i in plain])
    watched = [i for i, d in enumerate(docs) if d.watchlist]
    if watched:
        # the watchlist cut: the best F1 on the texts read with the simulated watchlist
        def f1_at(cut: float) -> float:
            t = replace(thresholds, watched=cut)
            return evaluate([docs[i] for i in watched], [probs[i] for i in watched], t).f1
        # never above the place cut: a name on the watchlist needs no more evidence than the same
        # name off it (the best cut on the simulated watchlists moved between 0.45 and 0.55 from
        # one retraining to the next, dropping watched resorts NER reads as a person)
        best = max([round(0.05 * i, 2) for i in range(2, 19)], key=f1_at)
        thresholds = replace(thresholds, watched=min(best, thresholds.place))
    return PlaceModel(fit(docs, l2), thresholds)


TRAINING = {
    # GeoVirus (train/) may be learnt from too, but its gold leaves many places out ("Bulgaria",
    # "Angola" unlabelled): with it, leave-one-corpus-out F1 fell from 0.817 to 0.771.
    "en": ("GeoWebNews and LGL dev half (GPL-3.0); placewatch's written sentences",
           lambda root: toponyms_en(root) + written_sentences("en")),
    "fr": ("Europeana Newspapers French NER (CC0); placewatch's written sentences",
           lambda root: europeana_fr(root) + written_sentences("fr")),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", choices=sorted(TRAINING), action="append")
    parser.add_argument("--data", type=Path, default=DATASETS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if not (args.data / "train").exists():
        print(f"training data not found under {args.data}", file=sys.stderr)
        return 2
    for lang in args.lang or sorted(TRAINING):
        source, load = TRAINING[lang]
        texts = load(args.data)
        docs = extract(texts, lang, simulated_watchlist(texts, lang))
        model = train(docs)
        n = sum(1 for d in docs for r in d.rows if r.label is not None)
        model.save(model_path(lang), {"trained_on": source, "candidates": n, "l2": L2, "min_count": MIN_COUNT})
        logger.info("wrote %s (%d weights, thresholds %s)", model_path(lang), len(model.weights), model.thresholds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
