"""Match the rows of two plans by code and content: renumbered and lightly reworded rows keep their identity.

The rule (issue 14). Two rows of the same level are the same row when their contents, folded to
ASCII (no diacritics, no punctuation, :func:`cchc_xlsx.notation.fold`), are alike. The similarity
is rapidfuzz's ``token_sort_ratio`` (0–100, word order ignored); the score of a pair is 90 % of it,
plus ``CODE_BONUS`` (10) when the two codes are equal: 100 for the same content under the same code,
90 for the same content renumbered. A pair is a match when its score reaches ``THRESHOLD``: a row
renumbered (1.2.3 → 1.2.4) keeps its identity by its content, a row lightly reworded by its
content, a row reworded more under the same code by the two together; a row whose content is
rewritten completely is removed + added, whatever its code, because codes shift whenever a row is
inserted above. (Measured on the seed: two different activities of the decision are at most 89 %
alike, half of them under 66 %; a content rewritten in the pairs of ``scripts/build_plan_pairs.py``
is 57 % alike, so 61 with its code; a light rewording 92 %.)

The assignment never uses a row twice. Rows are matched a depth at a time, top first, so that the
children of two matched rows are compared with each other first (same task, same output): a
block per matched parent. What is left at that depth is then matched across the whole plan (a row
moved to another output). In each block the candidate pairs are taken most alike content first, then
most alike row (how many of its other fields are equal: indicator, evidence, months, budget, lead
…, so that of two identical contents the row's own is taken), then equal codes, then the nearer
position; each row once: a greedy assignment. It is not the optimum of
scipy's ``linear_sum_assignment`` (two rows competing for one partner may be paired otherwise than
the best total would), but the best pair first is what a person checking the plan would take, it
costs O(pairs · log pairs) instead of O(n³), and it needs no dense cost matrix over the whole plan: the global pass scores leftovers in chunks (``CHUNK_CELLS``), keeping only pairs over
the threshold, and at most ``BEST`` partners per row. Two versions of a plan of 25 000 activities
are compared in about 2.5 s of CPU, matching included (``scripts/bench_diff.py``, README).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

__all__ = ["Match", "match_rows", "sort_words", "THRESHOLD", "CODE_BONUS", "SURE"]

#: A pair scoring at least this (0.9 × content similarity + code bonus, 0–100) is the same row.
THRESHOLD = 70
#: Weight of the content similarity in the score, and the points for equal codes.
CONTENT_WEIGHT, CODE_BONUS = 0.9, 10
#: A match scoring under this is said to be uncertain (finding ``match-uncertain``).
SURE = 85
#: Cells of one score matrix at most (uint8): the global pass goes in chunks of old rows.
CHUNK_CELLS = 4_000_000
#: Candidate partners kept per old row when scoring (the best ones), and the number of pairs of one
#: identical content above which not every pair is ranked: bounded time and memory for any input.
BEST, TWINS = 12, 10_000


@dataclass(frozen=True, slots=True)
class Match:
    """A row of the old plan matched to a row of the new one: positions in each plan's row list."""

    old: int
    new: int
    score: int          # 0–100: how sure the match is (0.9 × content similarity + 10 for equal codes)
    similarity: int     # the content similarity alone, 0–100


def match_rows(old: list[dict], new: list[dict]) -> list[Match]:
    """Match ``old`` rows to ``new`` rows (each: ``level``, ``code``, ``depth``, ``parent`` (position of
    the parent row in the same list, -1 for none), ``text`` (the folded content, its words sorted:
    :func:`sort_words`) and ``context`` (a
    tuple of the same length in every row: keys of its other fields, compared one by one)).

    Returns the matches in the new plan's order; a row of either list is in at most one match.
    """
    matched_old: dict[int, Match] = {}
    matched_new: dict[int, Match] = {}
    depths = sorted({r["depth"] for r in old} | {r["depth"] for r in new})
    old_children, new_children = _children(old), _children(new)
    for depth in depths:
        # 1. within matched parents (and the rows without a parent with each other)
        blocks = [(old_children.get(-1, []), new_children.get(-1, []))]
        blocks += [(old_children.get(p, []), new_children.get(m.new, [])) for p, m in matched_old.items()
                   if old[p]["depth"] < depth]
        for olds, news in blocks:
            olds = [i for i in olds if old[i]["depth"] == depth and i not in matched_old]
            news = [j for j in news if new[j]["depth"] == depth and j not in matched_new]
            _assign(olds, news, old, new, matched_old, matched_new)
        # 2. what is left at this depth, across the whole plan (moved rows)
        olds = [i for i, r in enumerate(old) if r["depth"] == depth and i not in matched_old]
        news = [j for j, r in enumerate(new) if r["depth"] == depth and j not in matched_new]
        _assign(olds, news, old, new, matched_old, matched_new)
    return sorted(matched_new.values(), key=lambda m: m.new)


def sort_words(text: str) -> str:
    """The words of ``text`` in order: rapidfuzz's ``ratio`` of two such texts is their
    ``token_sort_ratio``, with the sorting done once per row instead of once per pair."""
    return " ".join(sorted(text.split()))


def _children(rows: list[dict]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        children[row["parent"]].append(i)
    return children


def _assign(olds: list[int], news: list[int], old: list[dict], new: list[dict],
            matched_old: dict[int, Match], matched_new: dict[int, Match]) -> None:
    """Greedy best-first assignment of the pairs of one block, level by level: identical contents
    first (they rank first anyway, and most rows of two versions are identical: no scoring needed),
    then rapidfuzz's scores for what is left on both sides."""
    if not olds or not news:
        return
    for level in {old[i]["level"] for i in olds} & {new[j]["level"] for j in news}:
        o = [i for i in olds if old[i]["level"] == level]
        n = [j for j in news if new[j]["level"] == level]
        _take(_identical(o, n, old, new), o, n, matched_old, matched_new)
        o = [i for i in o if i not in matched_old]
        n = [j for j in n if j not in matched_new]
        if o and n:
            _take(_candidates(o, n, old, new), o, n, matched_old, matched_new)


def _take(candidates, o: list[int], n: list[int], matched_old: dict[int, Match], matched_new: dict[int, Match]) -> None:
    left = min(len(o), len(n))
    for a, b, score, similarity in candidates:
        i, j = o[a], n[b]
        if i in matched_old or j in matched_new:
            continue
        matched_old[i] = matched_new[j] = Match(i, j, score, similarity)
        left -= 1
        if not left:
            return


def _identical(o: list[int], n: list[int], old: list[dict], new: list[dict]):
    """The pairs of identical (folded) contents, in the order :func:`_candidates` would give them."""
    new_with: dict[str, list[int]] = defaultdict(list)
    for b, j in enumerate(n):
        new_with[new[j]["text"]].append(b)
    old_with: dict[str, list[int]] = defaultdict(list)
    for a, i in enumerate(o):
        old_with[old[i]["text"]].append(a)
    pairs = []
    for text, olds in old_with.items():
        news = new_with.get(text, [])
        if len(olds) * len(news) > TWINS:
            pairs.extend(_many_twins(olds, news, o, n, old, new))
            continue
        for a in olds:
            _pairs_of(a, news, o, n, old, new, pairs)
    pairs.sort()
    return ((a, b, score, 100) for _, _, _, a, b, score in pairs)


def _many_twins(olds: list[int], news: list[int], o, n, old, new) -> list[tuple]:
    """Hundreds of rows of one content on each side (a flat list of repeated lines): not every
    pair is ranked; each old row is offered the new rows of its code and the ones at its place."""
    at_code: dict[str, list[int]] = defaultdict(list)
    for b in news:
        at_code[new[n[b]]["code"]].append(b)
    pairs: list[tuple] = []
    for k, a in enumerate(olds):
        near = news[max(0, k - 2):k + 3]
        _pairs_of(a, list(dict.fromkeys(at_code.get(old[o[a]]["code"], []) + near)), o, n, old, new, pairs)
    return pairs


def _pairs_of(a: int, news: list[int], o, n, old, new, pairs: list[tuple]) -> None:
    row = old[o[a]]
    for b in news:
        other = new[n[b]]
        context = sum(x == y for x, y in zip(row["context"], other["context"]))
        same = row["code"] == other["code"]
        distance = abs(a / len(o) - b / len(n))
        pairs.append((-context, not same, distance, a, b, 100 if same else round(100 * CONTENT_WEIGHT)))


def _candidates(o: list[int], n: list[int], old: list[dict], new: list[dict]):
    """The pairs (a, b, score, similarity) of positions in ``o`` × ``n`` scoring at least THRESHOLD,
    best first."""
    from rapidfuzz import fuzz, process

    old_texts = [old[i]["text"] for i in o]
    new_texts = [new[j]["text"] for j in n]
    new_at: dict[str, list[int]] = defaultdict(list)
    for b, j in enumerate(n):
        new_at[new[j]["code"]].append(b)
    old_context = np.array([old[i]["context"] for i in o], dtype=np.int64).reshape(len(o), -1)
    new_context = np.array([new[j]["context"] for j in n], dtype=np.int64).reshape(len(n), -1)
    rows_a, rows_b, scores, sims, same = [], [], [], [], []
    step = max(1, CHUNK_CELLS // max(1, len(n)))
    workers = -1 if len(o) * len(n) > 1_000_000 else 1
    for start in range(0, len(o), step):
        chunk = old_texts[start:start + step]
        # the texts' words are sorted already (see match_rows): ratio is then token_sort_ratio, 5× faster
        similarity = process.cdist(chunk, new_texts, scorer=fuzz.ratio, dtype=np.uint8, workers=workers)
        bonus = np.zeros(similarity.shape, dtype=bool)
        for a in range(len(chunk)):
            for b in new_at.get(old[o[start + a]]["code"], ()):
                bonus[a, b] = True
        score = np.rint(similarity * np.float32(CONTENT_WEIGHT) + bonus * np.float32(CODE_BONUS)).astype(np.int16)
        if len(n) > BEST:       # only each old row's BEST best partners: bounded memory for any plan
            keep = np.argpartition(-score, BEST - 1, axis=1)[:, :BEST]
            mask = np.zeros(score.shape, dtype=bool)
            np.put_along_axis(mask, keep, True, axis=1)
            score = np.where(mask, score, 0)
        a, b = np.nonzero(score >= THRESHOLD)
        rows_a.append(a + start)
        rows_b.append(b)
        scores.append(score[a, b])
        sims.append(similarity[a, b])
        same.append(bonus[a, b])
    a, b = np.concatenate(rows_a), np.concatenate(rows_b)
    score, similarity, same_code = np.concatenate(scores), np.concatenate(sims), np.concatenate(same)
    context = (old_context[a] == new_context[b]).sum(axis=1)
    # relative positions in the block: rows keep their order when others are inserted or removed
    distance = np.abs(a / max(1, len(o)) - b / max(1, len(n)))
    order = np.lexsort((distance, ~same_code, -context, -similarity.astype(np.int32)))
    for k in order.tolist():
        yield int(a[k]), int(b[k]), int(score[k]), int(similarity[k])
