"""Sentence splitting repairs (no model needed: ranges are built by hand)."""

from newsprism.nlp import _join_open_quotations, paragraphs


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
