import numpy as np

from newsprism import align, compose
from tests.conftest import make_article


def _unit(*weights: float) -> np.ndarray:
    v = np.array(weights, dtype=np.float32)
    return v / np.linalg.norm(v)


# Three facts, as directions in a toy embedding space.
TALKS = _unit(1, 0, 0)
TROOPS = _unit(0, 1, 0)
VIDEO = _unit(0, 0, 1)


def _story():
    a = make_article(
        "Alpha",
        [
            "There was no breakthrough in the talks in Geneva on Monday evening.",
            "Some 100,000 troops are massed near the border with Ukraine.",
        ],
    )
    b = make_article(
        "Beta",
        [
            "The Geneva talks ended on Monday without any breakthrough at all.",
            "Videos on TikTok showed armour moving by rail across Siberia.",
        ],
    )
    c = make_article(
        "Gamma",
        [
            "Talks in Geneva produced no breakthrough, officials said on Monday.",
            "About 100,000 troops remain massed on the border with Ukraine.",
        ],
    )
    vectors = [TALKS, TROOPS, TALKS, VIDEO, TALKS, TROOPS]
    return [a, b, c], vectors


def test_points_count_outlets_that_carry_the_same_information():
    articles, vectors = _story()
    cands = align.candidates(articles)
    result = align.align(articles, np.stack(vectors), cands, threshold=0.55)
    by_support = sorted(result.points, key=lambda p: -p.support)
    assert by_support[0].support == 3 and "breakthrough" in by_support[0].text
    assert by_support[0].outlets == ("Alpha", "Beta", "Gamma")
    troops = next(p for p in result.points if "100,000" in p.text)
    assert troops.support == 2 and troops.outlets == ("Alpha", "Gamma")
    video = next(p for p in result.points if "TikTok" in p.text)
    assert video.support == 1 and video.outlets == ("Beta",)
    # every sentence belongs to exactly one point, cited verbatim
    cited = [s for p in result.points for s in p.citations]
    assert len(cited) == len(set(cited)) == len(cands)


def test_wire_copy_reprinted_by_two_outlets_counts_once():
    original = make_article(
        "Wire A",
        [
            "The ministry confirmed the closure of the northern bridge on Monday.",
            "Engineers found a crack in the main support pier during an inspection.",
            "A council meeting on repairs is scheduled for Thursday afternoon.",
        ],
    )
    reprint = make_article(
        "Reprinter B",
        [
            s
            for s in [
                "The ministry confirmed the closure of the northern bridge on Monday.",
                "Engineers found a crack in the main support pier during an inspection.",
                "A council meeting on repairs is scheduled for Thursday afternoon.",
            ]
        ],
    )
    independent = make_article(
        "Local C",
        [
            "The northern bridge was shut on Monday, the ministry said in a statement.",
        ],
    )
    articles = [original, reprint, independent]
    cands = align.candidates(articles)
    vecs = {0: _unit(1, 0, 0), 1: _unit(0, 1, 0), 2: _unit(0, 0, 1)}
    rows = [vecs[i] for i in range(3)] + [vecs[i] for i in range(3)] + [vecs[0]]
    result = align.align(articles, np.stack(rows), cands, threshold=0.55)
    assert align.source_groups(articles) == (0, 0, 1)
    closure = next(p for p in result.points if len(p.outlets) == 3)
    assert closure.support == 2  # the reprint is not an independent confirmation
    crack = next(p for p in result.points if "crack" in p.text)
    assert crack.support == 1 and len(crack.outlets) == 2


def test_topic_words_alone_do_not_merge_different_facts():
    texts = [
        "Russia and Ukraine met for talks about Ukraine and Russia in Geneva today.",
        "Russia moved tanks by rail toward Ukraine, videos of Russia showed.",
        "Ukraine said Russia was welcome to talk to Ukraine about Russia.",
        "The Geneva meeting in Geneva ended early.",
    ]
    shared = align.informative_overlap(texts)
    assert not shared[0, 1]  # only "Russia"/"Ukraine" in common: topic, not information
    assert shared[0, 3]  # "Geneva" is informative here


def test_compose_respects_budget_and_skips_redundant_points():
    articles, vectors = _story()
    cands = align.candidates(articles)
    result = align.align(articles, np.stack(vectors), cands, threshold=0.55)
    ranked = compose.score_points(result)
    assert ranked[0].support == 3  # most outlets first
    chosen = compose.select(result, ranked, words=25)
    assert sum(len(p.text.split()) for p in chosen) <= 25
    assert len({p.text for p in chosen}) == len(chosen)
    unique = compose.unique_reports(articles, ranked)
    assert [u.outlet for u in unique] == ["Beta"] and "TikTok" in unique[0].text


def _separately(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The word matrices as two vectorizers make them, each stemming on its own."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    pattern, n = align._WORD.pattern, len(texts)
    counts = CountVectorizer(
        token_pattern=pattern, lowercase=False, binary=True, preprocessor=align._stems
    )
    tfidf = TfidfVectorizer(
        token_pattern=pattern, lowercase=False, sublinear_tf=True, preprocessor=align._stems
    )
    try:
        binary = counts.fit_transform(texts).tocsc()
        weights = tfidf.fit_transform(texts)
    except ValueError:
        return np.eye(n, dtype=np.int32), np.zeros((n, n), dtype=np.float32)
    rare = np.asarray(binary.sum(axis=0)).ravel() <= max(2.0, 0.12 * n)
    keep = np.flatnonzero(rare | align._is_number(counts.get_feature_names_out()))
    informative = binary[:, keep].astype(np.float32)
    shared = (informative @ informative.T).toarray().round().astype(np.int32)
    return shared, (weights @ weights.T).toarray().astype(np.float32)


def test_word_matrices_made_at_once_equal_two_vectorizers() -> None:
    """Stemming and counting once for both matrices changes no value (bit for bit)."""
    texts = [
        "Russia and Ukraine met for talks about Ukraine and Russia in Geneva today.",
        "Some 100,000 troops are massed near the border, 100,000 more said officials.",
        "The Geneva meeting in Geneva ended early; talks resume on 12 January.",
        "Ukraine said Russia was welcome to talk to Ukraine about Russia.",
        "Officials said the talks were useful.",
    ]
    for sample in (texts, texts[:2], ["the and of it", "a the"]):
        shared, lexical = _separately(sample)
        assert np.array_equal(align.informative_overlap(sample), shared)
        assert np.array_equal(align.lexical_similarity(sample), lexical)
        assert align.lexical_similarity(sample).dtype == np.float32


def test_alignment_with_its_word_part_made_ahead_is_the_same() -> None:
    articles, vectors = _story()
    cands = align.candidates(articles)
    words = align.lexical(articles, cands)
    assert words.groups == align.source_groups(articles)
    ahead = align.align(articles, np.stack(vectors), cands, threshold=0.55, words=words)
    inline = align.align(articles, np.stack(vectors), cands, threshold=0.55)
    assert ahead.points == inline.points and ahead.members == inline.members
    assert np.array_equal(ahead.similarity, inline.similarity)
