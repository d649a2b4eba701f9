import pytest

from newsprism.model import Article, Span, content_id, to_plain


def test_content_id_is_stable_and_content_sensitive():
    assert content_id("Outlet", "text") == content_id("Outlet", "text")
    assert content_id("Outlet", "text") != content_id("Outlet", "text!")
    assert content_id("a", "bc") != content_id("ab", "c")  # parts are separated


def test_span_rejects_inverted_ranges():
    with pytest.raises(ValueError):
        Span("a", 5, 2)


def test_span_text_refuses_a_span_of_another_article():
    article = Article(id="x", outlet="o", text="hello world")
    assert article.span_text(Span("x", 6, 11)) == "world"
    with pytest.raises(ValueError):
        article.span_text(Span("y", 0, 5))


def test_records_are_immutable_and_serialisable():
    article = Article(id="x", outlet="o", text="t")
    with pytest.raises(AttributeError):
        article.text = "changed"  # type: ignore[misc]
    assert to_plain(article)["outlet"] == "o"
