"""Cleaning: boilerplate out, body in, and every cut accounted for.

The seed tests run the real seed articles (read through the readers); the unit tests use
invented articles to show that each rule is about a kind of furniture, not the seeds'
wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.clean import clean_article, clean_articles, reconstruct_text
from newsprism.ingest import read_paths
from newsprism.model import Article, Removal, content_id

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def _article(raw: str, outlet: str = "Example News", title: str | None = None) -> Article:
    return Article(id=content_id(outlet, raw), outlet=outlet, text=raw, raw=raw, title=title)


def _assert_audit(article: Article) -> None:
    """raw minus the removed spans, whitespace normalised, is exactly the cleaned text."""
    assert article.raw is not None
    for removal in article.removed:
        assert article.raw[removal.start : removal.end] == removal.text
    assert reconstruct_text(article.raw, article.removed) == article.text
    for paragraph in article.text.split("\n\n"):
        assert paragraph and paragraph == " ".join(paragraph.split())


# --- the seeds ---------------------------------------------------------------------

BOILERPLATE = [
    "Insight",
    "Support The Moscow Times!",
    "we have a small favor to ask",
    'unjustly branded as a "foreign agent"',
    "refuse to be silenced",
    "please support us monthly",
    "Continue",
    "Read more",
    "Leave A Reply",
    "Your email address will not be published.",
    "READ MORE",
    "More on Russia",
    "Live updates as Russia issues warning after US talks",
    "Articles You May Like",
    "BBC reveals highest-paid stars",
    "UK government to resume funding for UN relief agency in Gaza",
    "Four water firms",
    "NHS warns of GP disruption",
    "Democrats split over who should replace Biden",
    "What would be Russia’s military options in Ukraine?",
    "Will Russia go to war with Ukraine?",
    "Please use Chrome browser for a more accessible video player",
    "Photograph:",
    "attend security talks between the US and Russia, in Geneva",
    "Troops from Ukraine’s Territorial Defence Forces near Donetsk",
    "said he did not expect breakthroughs in the talks but hoped to find some common ground",
    "Credit: AP",
    "Dmytro Razumkov, former chairman of the Ukrainian Parliament.",
    "Russian military vehicles move during drills in Crimea",
    "Andriy Dubchak / AP / TASS",
    "A Ukrainian soldier near Debaltsevo",
    "in Washington and in New York",
    "Martin Wall",
]

# Per seed: first and last body paragraphs, crossheads, standfirsts, labels, and the
# sentence right after each removed block.
BODY = {
    "000": [
        "Russian and American officials appear to have made little progress in high-level talks",
        "In the end, the mood music was surprisingly upbeat",
        "The former speaker of the Ukrainian Parliament, Dmytro Razumkov, went further",
        'Putin is already benefiting from what has been described as "gangster diplomacy".',
        "That is what makes the current situation quite so dangerous.",
        "She insisted she trusted the US neither to appease Putin, nor betray her country.",
        "Presidents Biden and Putin spoke on Friday via video link.",
    ],
    "001": [
        "Diplomats stress they have not made progress towards resolving fundamental disagreements",
        "US and Russian diplomats have emerged from a day of negotiations in Geneva",
        "He said both sides were looking to the upcoming Nato-Russia Council on Wednesday",
        "Sherman said Russia had a stark choice to make.",
        "suggested they were unnecessary because Russia had no intention of launching an invasion.",
        "we very much don’t want to have a situation where Nato countries led by the US",
    ],
    "002": [
        "Hard to see progress when ‘Russia has a gun to head of Ukraine’, says US secretary of state",
        "The United States is expected to offer to discuss missile deployment",
        "Invasion",
        "Military exercises",
        "Russian deputy foreign minister Sergei Ryabkov suggested that signals sent by the Americans",
        "US secretary of state Antony Blinken said on Sunday he did not expect breakthroughs",
        "Washington and Kiev say the troop concentration could be a prelude to an invasion",
        "The Biden administration official said the talks this week would be serious and concrete",
    ],
    "003": [
        "Top U.S. and Russian officials held crucial talks Monday",
        "'Soviet Union 2.0'",
        "'Severe costs' of invasion",
        "In the muddy trenches on the frontline in Ukraine",
        "NATO chief Jens Stoltenberg said Monday that the alliance would be warning Russia",
        '"Putin\'s demands are illegitimate and harmful to international peace and security."',
        "Any direct military action by the United States or NATO in defense of Ukraine is extremely unlikely.",
    ],
    "004": [
        "There has been no breakthrough in US-Russian talks aimed at calming tensions between Moscow and Ukraine.",
        "an end to the alliance’s activity in the central and eastern European countries that joined it after 1997.",
        "‘Opposite views on what needs to be done’",
        "Russia’s deputy foreign minister Sergei Ryabkov, who represented his country at the talks",
        "But deputy US secretary of state Wendy Sherman said",
        "Analysis by Mark Stone, US correspondent",
        "In the end, so often, it’s all about the language.",
        "‘Time to call Putin’s bluff’",
        "‘Putin skilled in playing weak hand strongly’",
        "“One lesson learned from history is that appeasement with dictators does not lead to peace,” he added.",
        "“I hope the West will be equally skilled in playing our much stronger hand, better than we have in the past.”",
    ],
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (../shared/data is absent)")
    articles = clean_articles(read_paths([SEEDS]).articles)
    return {Path(a.source or "").name[:3]: a for a in articles}


def _paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


def test_seed_boilerplate_is_removed(seeds: dict[str, Article]) -> None:
    for key, article in seeds.items():
        paragraphs = _paragraphs(article)
        for phrase in BOILERPLATE:
            if len(phrase.split()) <= 3:  # short furniture: no paragraph is exactly it
                assert phrase not in paragraphs, (key, phrase)
            else:
                assert phrase not in article.text, (key, phrase)
    assert "Martin Wall is the Public Policy Correspondent" not in seeds["002"].text


def test_seed_body_is_kept(seeds: dict[str, Article]) -> None:
    for key, sentences in BODY.items():
        text = seeds[key].text
        paragraphs = _paragraphs(seeds[key])
        for sentence in sentences:
            if len(sentence.split()) <= 3:  # a crosshead stays its own paragraph
                assert sentence in paragraphs, (key, sentence)
            else:
                assert sentence in text, (key, sentence)


def test_seed_titles_and_the_untitled_seed(seeds: dict[str, Article]) -> None:
    assert seeds["003"].title == "U.S., Russia Hold High-Stakes Talks on Ukraine"
    assert seeds["000"].title.startswith("What has come from talks")
    assert seeds["004"].title is None  # its first line is a body sentence and stays
    assert _paragraphs(seeds["004"])[0].startswith("There has been no breakthrough")
    for article in seeds.values():
        assert article.title is None or article.title not in article.text


def test_seed_audit_invariant_and_reasons(seeds: dict[str, Article]) -> None:
    for article in seeds.values():
        _assert_audit(article)
    reasons = {r.reason for a in seeds.values() for r in a.removed}
    assert {
        "title",
        "section-label",
        "caption",
        "donation-appeal",
        "comment-prompt",
        "byline",
        "author-bio",
        "video-notice",
        "related-links",
        "orphan-headline",
    } <= reasons


def test_cleaning_is_deterministic_and_keeps_ids(seeds: dict[str, Article]) -> None:
    again = clean_articles(read_paths([SEEDS]).articles)
    assert [(a.id, a.text, a.removed) for a in again] == [
        (a.id, a.text, a.removed) for a in sorted(seeds.values(), key=lambda a: a.source or "")
    ]


# --- rules on invented articles ---------------------------------------------------------

BODY_A = (
    "The regional water authority said on Tuesday that reservoir levels had fallen to their "
    "lowest point in thirty years after a dry winter."
)
BODY_B = (
    "Farmers in the valley were told to cut irrigation by a fifth, and hosepipe bans will "
    "start next month in three counties."
)
BODY_C = (
    "Engineers are studying whether a pipeline from the northern lakes could carry water "
    "south before the summer peak in demand."
)


def test_caption_with_other_credit_formats_is_removed() -> None:
    raw = f"{BODY_A}\n\nA dried-up reservoir near Millbrook on Monday. (AP Photo/Jane Roe)\n\n{BODY_B}\n\nCracked mud at the edge of Lake Arden. Picture: Tom Green/Reuters\n\nFarmers inspect their fields outside Kelso, June 2. Jan Novak / EPA / Scanpix\n\n{BODY_C}"
    cleaned = clean_article(_article(raw))
    assert cleaned.text == f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}"
    assert [r.reason for r in cleaned.removed] == ["caption"] * 3
    _assert_audit(cleaned)


def test_caption_repeated_in_one_paragraph_and_on_two_lines_goes_entirely() -> None:
    caption = "Workers repair a burst main in Dunmore on Friday."
    raw = "\n\n".join(
        [
            BODY_A,
            f"{caption} {caption} Photo: Ann Lee for the Courier",
            f"{caption}\n{caption}",
            BODY_B,
        ]
    )
    cleaned = clean_article(_article(raw))
    assert caption not in cleaned.text
    assert cleaned.text == f"{BODY_A}\n\n{BODY_B}"
    _assert_audit(cleaned)


def test_donation_block_from_another_outlet_is_a_tail() -> None:
    appeal = [
        "Before you go, could you help us?",
        "The Valley Ledger has covered this region for fifty years without a paywall.",
        (
            "Independent reporting costs money, and advertising no longer pays for it. "
            "Every reader who chips in keeps our newsroom open for everyone."
        ),
        "Please consider supporting us with a one-off contribution or a monthly gift.",
        "Donate now",
    ]
    body = [
        BODY_A,
        BODY_B,
        BODY_C,
        BODY_A.replace("Tuesday", "Monday"),
        BODY_B.replace("fifth", "third"),
    ]
    raw = "\n\n".join([*body, *appeal])
    cleaned = clean_article(_article(raw, outlet="The Valley Ledger"))
    assert cleaned.text == "\n\n".join(body)
    assert {r.reason for r in cleaned.removed} == {"donation-appeal"}
    _assert_audit(cleaned)


def test_body_resumes_after_an_inline_related_link() -> None:
    raw = f"{BODY_A}\n\n{BODY_B}\n\nRelated: Ten tips to save water in your garden\n\n{BODY_C}"
    cleaned = clean_article(_article(raw))
    assert cleaned.text == f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}"


def test_orphan_headline_goes_and_real_crosshead_stays() -> None:
    raw = f"{BODY_A}\n\nCelebrity chef opens seaside restaurant\n\n{BODY_B}\n\nPipeline plans\n\n{BODY_C}\n\nAnalysis by Ruth Hale, environment editor\n\nHale said the pipeline was the only option left to planners before summer."
    cleaned = clean_article(_article(raw))
    paragraphs = cleaned.text.split("\n\n")
    assert "Celebrity chef opens seaside restaurant" not in paragraphs
    assert "Pipeline plans" in paragraphs
    assert "Analysis by Ruth Hale, environment editor" in paragraphs
    removed = {r.text: r.reason for r in cleaned.removed}
    assert removed == {"Celebrity chef opens seaside restaurant": "orphan-headline"}
    _assert_audit(cleaned)


def test_lists_of_short_items_are_content() -> None:
    raw = f"{BODY_A}\n\nThe affected counties are:\n\nArden\n\nKelso\n\nMillbrook\n\n{BODY_B}"
    assert clean_article(_article(raw)).removed == ()


def test_header_title_standfirst_byline_and_author_bio() -> None:
    raw = f"Environment\n\nReservoirs fall to thirty-year low\n\nDry winter leaves water authority weighing pipeline\n\nBy Ruth Hale in Millbrook\n\n{BODY_A}\n\n{BODY_B}\n\nRuth Hale\n\nRuth Hale is the environment correspondent of the Valley Ledger."
    cleaned = clean_article(_article(raw, title="Reservoirs fall to thirty-year low"))
    assert (
        cleaned.text
        == f"Dry winter leaves water authority weighing pipeline\n\n{BODY_A}\n\n{BODY_B}"
    )
    reasons = [r.reason for r in cleaned.removed]
    assert reasons == ["section-label", "title", "byline", "author-bio", "author-bio"]
    _assert_audit(cleaned)


def test_duplicate_body_line_keeps_its_first_occurrence() -> None:
    raw = f"{BODY_A}\n\n{BODY_B}\n\n{BODY_A}\n\n{BODY_C}"
    cleaned = clean_article(_article(raw))
    assert cleaned.text == f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}"
    assert [r.reason for r in cleaned.removed] == ["duplicate"]
    assert cleaned.removed[0].start == raw.rindex(BODY_A)


def test_corpus_repetition_within_an_outlet_is_boilerplate() -> None:
    promo = "Our reporters cover the valley seven days a week for readers like you."
    first = _article(f"{BODY_A}\n\n{promo}", outlet="Valley Ledger")
    second = _article(
        f"The county fair returns this weekend with more stalls than ever before, organisers said.\n\n{promo}",
        outlet="Valley Ledger",
    )
    elsewhere = _article(f"{BODY_B}\n\n{promo}", outlet="Other Times")
    cleaned = clean_articles([first, second, elsewhere])
    assert promo not in cleaned[0].text and promo not in cleaned[1].text
    assert {r.reason for r in cleaned[0].removed} == {"repeated-across-corpus"}
    assert promo in cleaned[2].text  # one article of another outlet: no evidence there
    for article in cleaned:
        _assert_audit(article)


def test_wire_copy_across_outlets_is_kept() -> None:
    wire = [BODY_A, BODY_B, BODY_C]
    outlets = ["Daily One", "Daily Two", "Daily Three", "Daily Four"]
    articles = [_article("\n\n".join(wire), outlet=name) for name in outlets]
    for article in clean_articles(articles):
        assert article.text == "\n\n".join(wire)
        assert article.removed == ()


def test_short_furniture_recurring_across_outlets_is_removed() -> None:
    furniture = "Story continues below"
    bodies = [BODY_A, BODY_B, BODY_C]
    articles = [
        _article(
            f"{body}\n\n{furniture}\n\nThe {name} desk confirmed the figures on Wednesday.",
            outlet=name,
        )
        for body, name in zip(bodies, ["Alpha", "Beta", "Gamma"], strict=True)
    ]
    for article in clean_articles(articles):
        assert furniture not in article.text


def test_audit_reconstruction_detects_a_wrong_text() -> None:
    raw = f"Advertisement\n\n{BODY_A}\n{BODY_B}"
    cleaned = clean_article(_article(raw))
    _assert_audit(cleaned)
    assert cleaned.text == f"{BODY_A} {BODY_B}"  # lines of one block form one paragraph
    assert reconstruct_text(raw, cleaned.removed[1:]) != cleaned.text
    with pytest.raises(ValueError, match="overlapping"):
        reconstruct_text(raw, cleaned.removed + (Removal(5, 20, "x", raw[5:20]),))
