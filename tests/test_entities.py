"""Entity roster: alias merging (hand-built mentions, no models) and roles on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.entities import build_roster, entity_key, split_honorific, split_title
from newsprism.model import Article, Entity, Mention, Quote, Sentence, Span, Speaker, content_id

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def make_article(outlet: str, text: str, mentions: list[tuple[str, str]]) -> Article:
    """An article whose one sentence carries the given (surface, label) mentions, in order."""
    article_id = content_id(outlet, text)
    found, cursor = [], 0
    for surface, label in mentions:
        start = text.index(surface, cursor)
        found.append(Mention(start, start + len(surface), surface, label))
        cursor = start + len(surface)
    sentence = Sentence(Span(article_id, 0, len(text)), text, mentions=tuple(found))
    return Article(id=article_id, outlet=outlet, text=text, sentences=(sentence,))


def by_name(roster: tuple[Entity, ...], name: str) -> Entity:
    matches = [e for e in roster if e.name == name]
    assert len(matches) == 1, f"{name!r} not exactly once in {[e.name for e in roster]}"
    return matches[0]


def assert_citations_exact(roster: tuple[Entity, ...], articles: list[Article]) -> None:
    texts = {a.id: a.text for a in articles}
    for entity in roster:
        forms = {entity.name, *entity.aliases}
        for span in entity.citations:
            assert texts[span.article_id][span.start : span.end] in forms


# ---------------------------------------------------------------------------- keys


def test_entity_key_ignores_case_dots_the_and_possessive() -> None:
    assert entity_key("NATO") == entity_key("Nato") == entity_key("NATO’s")
    assert entity_key("U.S.") == entity_key("US") == entity_key("the United States")
    assert entity_key("Russia's") == entity_key("Russia")
    assert entity_key("Kiev") == entity_key("Kyiv")
    assert entity_key("Organisation for Security") == entity_key("Organization for Security")
    assert entity_key("Russia") != entity_key("Russian")


def test_split_honorific() -> None:
    assert split_honorific("Mr Ryabkov") == ("Mr", "Ryabkov")
    assert split_honorific("Ms. Sherman") == ("Ms.", "Sherman")
    assert split_honorific("Mrsomebody") == ("", "Mrsomebody")


def test_split_title_keeps_the_name_and_returns_the_title() -> None:
    assert split_title("Transport Commissioner Dana Okafor") == (
        "Transport Commissioner",
        "Dana Okafor",
    )
    assert split_title("Councillor Gwen Tallis") == ("Councillor", "Gwen Tallis")
    assert split_title("Secretary General Jens Stoltenberg") == (
        "Secretary General",
        "Jens Stoltenberg",
    )
    # a title word at the end is a surname; a title alone is not a name
    assert split_title("Mike Judge") == ("", "Mike Judge")
    assert split_title("Chief Executive") == ("", "Chief Executive")
    assert split_title("Dana Okafor") == ("", "Dana Okafor")


# ---------------------------------------------------------------------------- merging


def test_titles_in_person_mentions_become_roles_not_names() -> None:
    text = (
        "Transport Commissioner Dana Okafor spoke. Commissioner Dana Okafor left. Ms Okafor smiled."
    )
    article = make_article(
        "x",
        text,
        [
            ("Transport Commissioner Dana Okafor", "PERSON"),
            ("Commissioner Dana Okafor", "PERSON"),
            ("Okafor", "PERSON"),
        ],
    )
    roster = build_roster([article])
    okafor = by_name(roster, "Dana Okafor")
    assert okafor.kind == "person" and okafor.mentions == 3
    assert {"Transport Commissioner Dana Okafor", "Ms Okafor"} <= set(okafor.aliases)
    assert {r.text for r in okafor.roles} == {"Transport Commissioner", "Commissioner"}
    for role in okafor.roles:
        for span in role.citations:
            assert text[span.start : span.end] == role.text
    assert_citations_exact(roster, [article])


def test_place_and_facility_words_override_wrong_ner_kinds() -> None:
    text = (
        "Port Averill's bridge shut. Drivers use Northgate Bridge from the Eastbank "
        "district to St Brendan's Hospital. Stuart Hall said so. Port Averill city council met."
    )
    article = make_article(
        "x",
        text,
        [
            ("Port Averill's", "PERSON"),
            ("Northgate Bridge", "ORG"),
            ("Eastbank", "ORG"),
            ("St Brendan's", "PERSON"),
            ("Hospital", "ORG"),
            ("Stuart Hall", "PERSON"),
            ("Port Averill city council", "GPE"),
        ],
    )
    kinds = {e.name: e.kind for e in build_roster([article])}
    assert kinds == {
        "Port Averill": "place",  # a place prefix
        "Northgate Bridge": "facility",  # a facility head word
        "Eastbank": "place",  # "the Eastbank district"
        "St Brendan's Hospital": "facility",  # possessive + facility head, one name
        "Stuart Hall": "person",  # "Hall" is also a surname: it never overrides a person
        "Port Averill city council": "organisation",  # a lower-case organisation head
    }


def test_capitalised_common_nouns_are_not_entities() -> None:
    text = "Commuters waited. Transport said. Many commuters walked; transport was slow."
    article = make_article("x", text, [("Commuters", "ORG"), ("Transport", "ORG")])
    assert build_roster([article]) == ()
    # a one-word name the story never writes in lower case stays
    other = make_article("x", "Nato met. Sherman said.", [("Nato", "ORG"), ("Sherman", "PERSON")])
    assert {e.name for e in build_roster([other])} == {"Nato", "Sherman"}


def test_case_punctuation_and_possessive_forms_merge() -> None:
    a1 = make_article(
        "guardian",
        "Nato and the U.S. met. Russia’s envoy left Nato's talks.",
        [("Nato", "ORG"), ("U.S.", "GPE"), ("Russia’s", "GPE"), ("Nato's", "ORG")],
    )
    a2 = make_article(
        "sky",
        "NATO said the US and Russia disagree.",
        [("NATO", "ORG"), ("US", "GPE"), ("Russia", "GPE")],
    )
    roster = build_roster([a1, a2])
    nato = by_name(roster, "Nato")  # the commoner spelling names the entity
    assert nato.kind == "organisation"
    assert nato.mentions == 3
    assert nato.aliases == ("NATO",)
    assert nato.mentions_by_outlet == (("guardian", 2), ("sky", 1))
    russia = by_name(roster, "Russia")
    assert russia.kind == "place" and russia.mentions == 2 and russia.aliases == ()
    (us,) = [e for e in roster if {e.name, *e.aliases} == {"US", "U.S."}]
    assert us.mentions == 2 and us.kind == "place"
    assert roster[0].mentions >= roster[-1].mentions
    assert_citations_exact(roster, [a1, a2])


def test_exonym_table_merges_kiev_into_kyiv_as_a_place() -> None:
    # the small NER model calls both spellings a PERSON; the table knows better
    a1 = make_article("irish", "Washington and Kiev say so.", [("Kiev", "PERSON")])
    a2 = make_article(
        "moscow", "Kyiv's forces and Kyiv agree.", [("Kyiv", "PERSON"), ("Kyiv", "PERSON")]
    )
    (kyiv,) = build_roster([a1, a2])
    assert (kyiv.name, kyiv.kind, kyiv.aliases, kyiv.mentions) == ("Kyiv", "place", ("Kiev",), 3)


def test_surname_and_honorific_forms_merge_into_the_full_name() -> None:
    a1 = make_article(
        "guardian",
        "Sergei Ryabkov spoke. Later Ryabkov said no, and Mr Ryabkov left.",
        [("Sergei Ryabkov", "PERSON"), ("Ryabkov", "PERSON"), ("Ryabkov", "PERSON")],
    )
    a2 = make_article(
        "sky", "Then Ms Sherman and Ryabkov met.", [("Ms Sherman", "PERSON"), ("Ryabkov", "ORG")]
    )
    roster = build_roster([a1, a2])
    ryabkov = by_name(roster, "Sergei Ryabkov")
    assert ryabkov.kind == "person"
    assert set(ryabkov.aliases) == {"Ryabkov", "Mr Ryabkov"}
    assert ryabkov.mentions == 4
    assert ryabkov.mentions_by_outlet == (("guardian", 3), ("sky", 1))
    sherman = by_name(roster, "Sherman")  # no full name in the story: the surname stays
    assert sherman.aliases == ("Ms Sherman",)
    assert_citations_exact(roster, [a1, a2])


def test_ambiguous_surname_is_not_merged() -> None:
    article = make_article(
        "x",
        "Joe Biden and Jill Biden arrived; Biden spoke.",
        [("Joe Biden", "PERSON"), ("Jill Biden", "PERSON"), ("Biden", "PERSON")],
    )
    names = {e.name for e in build_roster([article])}
    assert names == {"Joe Biden", "Jill Biden", "Biden"}


def test_lowercase_and_multiline_mentions_are_dropped_and_citations_capped() -> None:
    text = "the secretary of state met Getty Images\nTroops. " + "Geneva. " * 30
    mentions = [("state", "ORG"), ("Getty Images\nTroops", "ORG")] + [("Geneva", "GPE")] * 30
    roster = build_roster([make_article("x", text, mentions)], max_citations=5)
    (geneva,) = roster
    assert geneva.mentions == 30 and len(geneva.citations) == 5
    assert [c.start for c in geneva.citations] == sorted(c.start for c in geneva.citations)


def test_speaker_roles_from_quotes_are_cited_where_the_article_states_them() -> None:
    text = "NATO chief Jens Stoltenberg said: “We are aiming for an agreement.”"
    article = make_article("x", text, [("NATO", "ORG"), ("Jens Stoltenberg", "PERSON")])
    name_start = text.index("Jens")
    speaker = Speaker(
        "Jens Stoltenberg", "NATO chief", Span(article.id, name_start, name_start + 16)
    )
    q_start = text.index("We are")
    quote = Quote(Span(article.id, q_start, q_start + 29), text[q_start : q_start + 29], speaker)
    stoltenberg = by_name(build_roster([article], [quote]), "Jens Stoltenberg")
    (role,) = stoltenberg.roles
    assert role.text == "NATO chief"
    (citation,) = role.citations
    assert text[citation.start : citation.end] == "NATO chief"
    assert stoltenberg.mentions == 1  # the speaker's name is the same mention, not a new one


# ---------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_roster(raw_seed_annotation) -> tuple[tuple[Entity, ...], list[Article]]:
    from newsprism.quotes import extract_quotes

    annotation = raw_seed_annotation
    quotes = [q for a in annotation.articles for q in extract_quotes(a, annotation.docs[a.id])]
    roster = build_roster(annotation.articles, quotes, docs=annotation.docs)
    return roster, list(annotation.articles)


def roles_of(entity: Entity) -> list[str]:
    return [r.text.casefold() for r in entity.roles]


def test_seed_roster_merges_aliases(seed_roster: tuple) -> None:
    roster, articles = seed_roster
    names = [e.name for e in roster]
    assert sum(n in {"NATO", "Nato"} for n in names) == 1
    nato = next(e for e in roster if e.name in {"NATO", "Nato"})
    assert {nato.name, *nato.aliases} >= {"NATO", "Nato"}
    assert len(nato.mentions_by_outlet) == 5
    kyiv = by_name(roster, "Kyiv")
    assert "Kiev" in kyiv.aliases and kyiv.kind == "place"
    assert "Kiev" not in names
    ryabkov = by_name(roster, "Sergei Ryabkov")
    assert {"Mr Ryabkov", "Ryabkov"} <= set(ryabkov.aliases)
    assert "Ryabkov" not in names and "Sherman" not in names and "Stoltenberg" not in names
    assert by_name(roster, "Anders Fogh Rasmussen").kind == "person"
    assert_citations_exact(roster, articles)
    assert [e.mentions for e in roster] == sorted((e.mentions for e in roster), reverse=True)


def test_seed_roster_roles(seed_roster: tuple) -> None:
    roster, articles = seed_roster
    assert any("deputy foreign minister" in r for r in roles_of(by_name(roster, "Sergei Ryabkov")))
    assert any("deputy secretary of state" in r for r in roles_of(by_name(roster, "Wendy Sherman")))
    assert "nato chief" in roles_of(by_name(roster, "Jens Stoltenberg"))
    assert "former nato secretary general" in roles_of(by_name(roster, "Anders Fogh Rasmussen"))
    # "Her Russian counterpart, Sergei Ryabkov": relational, not a role
    assert not any("counterpart" in r for r in roles_of(by_name(roster, "Sergei Ryabkov")))
    # identical roles merge regardless of case and dots, keeping all their citations
    sherman_roles = roles_of(by_name(roster, "Wendy Sherman"))
    assert len(sherman_roles) == len({r.replace(".", "") for r in sherman_roles})
    texts = {a.id: a.text for a in articles}
    for entity in roster:
        for role in entity.roles:
            assert role.citations
            for span in role.citations:
                assert texts[span.article_id][span.start : span.end].casefold().replace(
                    ".", ""
                ) == (role.text.casefold().replace(".", ""))


def test_stored_roster_evidence_gives_the_roster_without_reading_the_parses() -> None:
    from newsprism.entities import RosterEvidence, roster_evidence
    from newsprism.nlp import annotate
    from newsprism.plain import dump, from_plain

    texts = [
        ("harbour-post", "Harbour master Ines Calloway said the Kestrel Bay ferry would sail."),
        ("coast-daily", "Ms Calloway, the harbour master, told reporters the crews had agreed."),
    ]
    annotation = annotate([Article(id=content_id(o, t), outlet=o, text=t) for o, t in texts])
    articles, docs = annotation.articles, annotation.docs
    evidence = {}
    for article in articles:
        found = roster_evidence(article.id, docs[article.id])
        evidence[article.id] = from_plain(RosterEvidence, dump(found))  # as a store keeps it
        assert evidence[article.id] == found
    assert any(r.role.casefold() == "harbour master" for e in evidence.values() for r in e.roles)
    expected = build_roster(articles, docs=docs)
    assert build_roster(articles, docs={}, evidence=evidence) == expected
    # the evidence is what gives the role (without parses or evidence there is none)
    assert [r.text for r in by_name(expected, "Calloway").roles] == ["harbour master"]
    assert by_name(build_roster(articles, docs={}), "Calloway").roles == ()
