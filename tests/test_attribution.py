"""Reported speech models: features, content candidates, the weights file, training.

Unit tests parse invented sentences with the project's spaCy model; the training test
runs the real trainer on the first PolNeAR train articles (slow).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.attribution import (
    AttributionModel,
    LinearModel,
    accept_features,
    content_candidates,
    cue_features,
    find_reported,
    fit_linear,
    load_model,
)
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def nlp():
    from newsprism.nlp import load_spacy

    return load_spacy()


def token(doc, text: str):
    return next(t for t in doc if t.text == text)


def pieces_text(pieces) -> list[str]:
    return [" ".join(t.text for t in piece) for piece in pieces]


def test_linear_model_is_a_logistic_sum_of_named_weights() -> None:
    model = LinearModel({"lem=say": 2.0, "pos=VERB": 0.5}, bias=-1.0)
    assert model.probability({"lem=say": 1.0, "pos=VERB": 1.0}) == pytest.approx(0.8176, abs=1e-4)
    assert model.probability({"unknown": 1.0}) == pytest.approx(0.2689, abs=1e-4)
    assert model.probability({}) < model.probability({"lem=say": 1.0})


def test_model_round_trips_through_its_gzip_json_file(tmp_path: Path) -> None:
    model = AttributionModel(
        LinearModel({"a": 1.5}, -0.25), LinearModel({"n=ccomp": 0.75}, 0.1), 0.4, {"articles": 2}
    )
    path = tmp_path / "m.json.gz"
    model.save(path)
    first = path.read_bytes()
    assert AttributionModel.load(path) == model
    model.save(path)
    assert path.read_bytes() == first  # byte-identical: no timestamp in the gzip header


def test_model_with_an_accept_model_round_trips(tmp_path: Path) -> None:
    model = AttributionModel(
        LinearModel({"a": 1.5}, -0.25),
        LinearModel({"n=ccomp": 0.75}, 0.1),
        0.15,
        {"articles": 2},
        0.0,
        LinearModel({"cue_logit": 0.9, "rule=ccomp": 0.5}, -0.3),
        0.3,
    )
    path = tmp_path / "m.json.gz"
    model.save(path)
    assert AttributionModel.load(path) == model


def _toy_model(accept: LinearModel | None) -> AttributionModel:
    """Cues: "said" and "wants" (sure), content: any candidate alike."""
    cue = LinearModel({"lem=say": 8.0, "lem=want": 8.0}, -4.0)
    return AttributionModel(cue, LinearModel({}, 0.0), 0.5, {}, 0.0, accept, 0.5)


def test_the_accept_model_decides_on_the_whole_attribution(nlp) -> None:
    doc = nlp("The minister said the bridge would reopen. The mayor wants a new road.")
    assert [doc[r.cue].text for r in find_reported(_toy_model(None), list(doc))] == [
        "said",
        "wants",
    ]
    # an accept model that trusts "say" and distrusts "want", whatever the cue model says
    accept = LinearModel({"lem=say": 4.0, "lem=want": -4.0}, 0.0)
    found = find_reported(_toy_model(accept), list(doc))
    assert [doc[r.cue].text for r in found] == ["said"]
    assert found[0].score == pytest.approx(1 / (1 + 2.718281828 ** -4.0), abs=1e-3)


def test_accept_features_carry_both_probabilities_as_log_odds(nlp) -> None:
    doc = nlp("Ryabkov said that the talks were difficult.")
    said = token(doc, "said")
    rule, pieces = next(iter(content_candidates(said).items()))
    features = accept_features(said, rule, pieces, 0.5, 0.9)
    assert features["cue_logit"] == pytest.approx(0.0, abs=1e-9)
    assert features["content_logit"] == pytest.approx(2.1972, abs=1e-3)
    assert features["lem=say"] == 1.0


def test_a_content_before_its_source_is_a_candidate(nlp) -> None:
    doc = nlp("The bridge will reopen in March, the mayor's spokesman told reporters.")
    candidates = content_candidates(token(doc, "told"))
    assert pieces_text(candidates["sent_before"]) == ["The bridge will reopen in March"]


def test_cue_features_describe_the_verb_its_subject_and_its_clause(nlp) -> None:
    doc = nlp("Ryabkov said that the talks were difficult.")
    features = cue_features(token(doc, "said"))
    assert features["lem=say"] == 1.0
    assert "lem|child=say|ccomp" in features
    assert "lem|ccomp_mark=say|that" in features
    assert any(name.startswith("subj=ent:") for name in features)


def test_content_candidates_of_a_speech_verb(nlp) -> None:
    doc = nlp("The mayor said that the bridge would reopen in March.")
    candidates = content_candidates(token(doc, "said"))
    assert pieces_text(candidates["ccomp"]) == ["that the bridge would reopen in March"]


def test_according_to_takes_the_rest_of_the_sentence_on_both_sides(nlp) -> None:
    doc = nlp("The budget, according to the council, was balanced last year.")
    (name, pieces), *_ = content_candidates(token(doc, "according")).items()
    assert name == "according"
    assert pieces_text(pieces) == ["The budget ,", ", was balanced last year ."]


def test_trailing_adjuncts_are_offered_trimmed(nlp) -> None:
    doc = nlp("Trump called the senator a liar in a tweet on Sunday.")
    candidates = content_candidates(token(doc, "called"))
    trimmed = [pieces_text(v) for k, v in candidates.items() if k.endswith("~t")]
    assert ["the senator a liar"] in trimmed


def test_a_headline_does_not_run_into_the_body(nlp) -> None:
    doc = nlp(
        "Rubio Says Leaving The Bill Was Leadership\nMarco Rubio defended himself on Saturday."
    )
    candidates = content_candidates(token(doc, "Says"))
    assert any("defended" in pieces_text(v)[0] for v in candidates.values())  # the parse's span
    assert ["Leaving The Bill Was Leadership"] in [
        pieces_text(v) for k, v in candidates.items() if k.endswith("~t")
    ]


def test_fit_linear_learns_which_features_mark_a_cue() -> None:
    rows = [{"lem=say": 1.0}] * 20 + [{"lem=eat": 1.0}] * 20 + [{"lem=rare": 1.0}]
    labels = [True] * 20 + [False] * 20 + [True]
    model = fit_linear(rows, labels, min_count=3)
    assert model.weights["lem=say"] > 0 > model.weights["lem=eat"]
    assert "lem=rare" not in model.weights  # seen once: no weight


def test_the_packaged_model_finds_reported_speech(nlp) -> None:
    model = load_model()
    assert model.about["articles"] >= 900  # trained on the PolNeAR train split
    assert 0 < model.threshold < 1
    doc = nlp("The minister said the bridge would reopen in March. The river is wide.")
    found = find_reported(model, list(doc))
    assert [doc[r.cue].text for r in found] == ["said"]
    (reported,) = found
    first, last = reported.pieces[0]
    assert doc[first : last + 1].text == "the bridge would reopen in March"
    assert reported.cue_probability > 0.9


@pytest.mark.slow
def test_training_on_polnear_articles_gives_a_working_model(tmp_path: Path) -> None:
    from newsprism.eval.quote_model import gold_cue_heads, train_attribution_model
    from newsprism.eval.quotes import load_polnear
    from newsprism.nlp import annotate

    path = shared_path("polnear", "polnear_train.jsonl")
    target = tmp_path / "model.json.gz"
    model = train_attribution_model(path, target, limit=12)
    assert target.is_file() and AttributionModel.load(target) == model
    assert model.about["articles"] == 12
    assert 0 < model.about["cue_positives"] < model.about["cue_examples"]
    assert model.cue.weights.get("lem=say", 0) > 0  # "said" heads most PolNeAR cues
    # gold cue heads are the cue tokens whose syntactic head lies outside the cue
    ((article, gold),) = load_polnear(path, limit=1)
    paragraphs = annotate([article]).docs[article.id]
    heads = gold_cue_heads(paragraphs, gold)
    assert len(heads) >= 0.8 * len(gold)
    for (p_index, i), quote in heads.items():
        para = paragraphs[p_index]
        start = para.offset + para.doc[i].idx
        assert any(s <= start < e for s, e in quote.cue)
