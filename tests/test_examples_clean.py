"""Cleaning the bundled sample story, and the general rules its furniture exposed.

The sample story (examples/sample-story) plants one of each kind of furniture; the unit
tests below use invented text of other forms for the same kinds (caption credits with
initials, comment prompts with counts, inflected donation appeals, date-only lines), and
show that body sentences using the same words are kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.clean import clean_article, clean_articles, is_dateline, lexicon_reason
from newsprism.ingest import read_paths
from newsprism.model import Article, content_id
from tests.test_clean import _assert_audit

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-story"


def _article(raw: str, outlet: str = "Estuary Post", title: str | None = None) -> Article:
    return Article(id=content_id(outlet, raw), outlet=outlet, text=raw, raw=raw, title=title)


def _removed(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


BODY_A = (
    "The county ambulance service said on Friday that response times had risen for a third "
    "month running as crews waited outside crowded hospitals."
)
BODY_B = (
    "Union officials warned that staff shortages would worsen over the summer unless the "
    "health board agreed to fund two more rapid-response cars."
)
BODY_C = (
    "The health board will publish its winter plan next week, a spokesperson said, after "
    "consulting paramedics and hospital managers."
)


# --- 1. caption credits with initials ----------------------------------------------------


def test_caption_credit_with_initials_is_a_caption_even_when_repeated() -> None:
    caption = (
        "Ambulances queue outside Kestrel Royal Infirmary. Photo: K.L. Moreau/Estuary Pictures"
    )
    bare = "A paramedic at the Lowmoor depot on Friday. R. Osei / Bayline Photos"
    raw = f"{BODY_A}\n\n{caption}\n\n{BODY_B}\n\n{bare}\n\n{caption}\n\n{BODY_C}"
    cleaned = clean_article(_article(raw))
    assert cleaned.text == f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}"
    assert [r.reason for r in cleaned.removed] == ["caption"] * 3  # not "duplicate"
    _assert_audit(cleaned)


def test_sentence_with_an_initial_and_a_picture_word_is_kept() -> None:
    sentence = (
        "Inspectors were shown the picture: a cracked floor and a rusted frame, according "
        "to surveyor P. Lund."
    )
    raw = f"{BODY_A}\n\n{sentence}\n\n{BODY_B}"
    assert clean_article(_article(raw)).removed == ()


# --- 2. comment prompts with counts ----------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "23 comments",
        "Comments (4)",
        "View 12 comments",
        "Join the discussion",
        "Read all 1,204 comments",
        "Have your say · 48 comments",
        "Comments: 7",
        "Show 3 replies",
    ],
)
def test_comment_prompts_with_counts(prompt: str) -> None:
    assert lexicon_reason(prompt) == "comment-prompt"
    raw = f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}\n\n{prompt}"
    cleaned = clean_article(_article(raw))
    assert _removed(cleaned) == {prompt: "comment-prompt"}
    _assert_audit(cleaned)


@pytest.mark.parametrize(
    "line",
    [
        "The consultation drew 23 comments from residents before it closed.",
        "Comments from the minister",
        "Responses",
    ],
)
def test_lines_about_comments_that_are_not_prompts(line: str) -> None:
    assert lexicon_reason(line) is None


# --- 3. donation appeals in any inflection -------------------------------------------------


@pytest.mark.parametrize(
    "appeal",
    [
        "If this reporting matters to you, please think about making a small donation.",
        "Readers who have made a contribution this year: thank you, your support matters.",
        "You can chip in from as little as £1, and it takes a minute.",
        "Become a member today and help keep our newsroom free to read.",
        "Why not donate? Every pound you give pays for local reporting.",
        "The Estuary Post is reader-funded and answers to no owner.",
        "We are funded by our readers, not by advertisers.",
    ],
)
def test_donation_appeals_in_other_wordings(appeal: str) -> None:
    assert lexicon_reason(appeal) == "donation-appeal"


@pytest.mark.parametrize(
    "sentence",
    [
        "The developer made a donation of £50,000 to the mayor's campaign, records show.",
        "“Please donate whatever you can,” said Ms Ortiz, whose shelter lost its roof.",
        "Volunteers chipped in to buy the village a new defibrillator last spring.",
        "She became a member of the health board in 2019.",
        "The clinic, which is funded by its members, opened in 1998.",
    ],
)
def test_news_about_giving_is_not_an_appeal(sentence: str) -> None:
    assert lexicon_reason(sentence) is None
    raw = f"{BODY_A}\n\n{BODY_B}\n\n{sentence}"
    assert clean_article(_article(raw)).text.endswith(sentence)


def test_inflected_appeal_at_the_end_is_a_donation_appeal_not_a_bio() -> None:
    appeal = (
        "The Estuary Post is independent and paid for by its readers. If you value this "
        "work, please consider making a contribution today."
    )
    raw = f"{BODY_A}\n\n{BODY_B}\n\n{BODY_C}\n\n{appeal}"
    cleaned = clean_article(_article(raw))
    assert _removed(cleaned) == {appeal: "donation-appeal"}


# --- 4. date-only lines ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Tue 10 Mar 2026 07.30 GMT",
        "March 9, 2026 at 6:40 p.m. ET",
        "2026-03-10T07:30:00+00:00",
        "10/03/2026 | 14:05",
        "Friday, 13th June 2025",
    ],
)
def test_bare_date_lines(line: str) -> None:
    assert is_dateline(line)
    assert not is_dateline(line, require_label=True)


@pytest.mark.parametrize(
    "line",
    [
        "Updated 9 March 2026, 18:40",
        "Last modified on Wed 11 Mar 2026 09.12 GMT",
        "Published: 2026-03-10",
        "First published 6.15pm",
        "Updated 3 hours ago",
    ],
)
def test_labelled_date_lines(line: str) -> None:
    assert is_dateline(line, require_label=True)


@pytest.mark.parametrize(
    "line",
    [
        "On 9 March 2026 the council voted to close the bridge.",
        "9 March 2026: the bridge closes",
        "March 2026",  # a month can head a timeline section
        "Thursday at 6pm",
        "May the best team win",
        "Updated guidance for patients",
        "2019",
    ],
)
def test_lines_with_more_than_a_date(line: str) -> None:
    assert not is_dateline(line)


def test_datelines_go_from_header_and_body_but_a_timeline_date_stays() -> None:
    raw = f"Ambulance waits hit record as crews queue outside hospitals\n\nBy Nia Rhodes, Health Editor\nTue 10 Mar 2026 07.30 GMT\n\n{BODY_A}\n\nLast modified on Wed 11 Mar 2026 09.12 GMT\n\n{BODY_B}\n\n14 June 2024\n\nThe health board first warned ministers that winter pressures would spread to the summer months.\n\n{BODY_C}"
    cleaned = clean_article(_article(raw))
    assert cleaned.title == "Ambulance waits hit record as crews queue outside hospitals"
    removed = _removed(cleaned)
    assert removed["Tue 10 Mar 2026 07.30 GMT"] == "dateline"
    assert removed["Last modified on Wed 11 Mar 2026 09.12 GMT"] == "dateline"
    assert "14 June 2024" in cleaned.text.split("\n\n")  # a timeline entry's heading
    assert cleaned.text.startswith(BODY_A) and cleaned.text.endswith(BODY_C)
    _assert_audit(cleaned)


def test_a_dated_line_before_the_headline_is_a_dateline() -> None:
    raw = f"Updated Tuesday 10 March 2026\n\nAmbulance waits hit record\n\n{BODY_A}\n\n{BODY_B}"
    cleaned = clean_article(_article(raw))
    assert cleaned.title == "Ambulance waits hit record"
    assert _removed(cleaned)["Updated Tuesday 10 March 2026"] == "dateline"


# --- the sample story ------------------------------------------------------------------------

PLANTED = [
    "By Helen Marsh, Transport Correspondent",
    "Monday 9 March 2026",
    "Photograph: J. Rivera / Harbour Images",
    "Read more: Port Averill budget talks stall over harbour dredging costs",
    "By Tom Ashby, Local Democracy Reporter",
    "Sign up for the Record's free Morning Briefing newsletter",
    "Tom Ashby is the Record's local democracy reporter",
    "Share this article",
    "Updated 9 March 2026, 18:40",
    "Join the conversation: 12 comments",
    "Harbourside Daily is independent and funded by its readers",
]

SAMPLE_BODY = {
    "port-averill-courier.txt": [
        "Port Averill's busiest river crossing was closed without warning on Monday",
        (
            "“We will not reopen Merrow Bridge until we are certain it is safe, and we will not "
            "cut corners to get there,” said Transport Commissioner Dana Okafor."
        ),
        "“We cannot yet say how deep it goes,” he said.",
        "She also promised “an open-door policy for every business on the east bank that loses trade”",
        (
            "Councillors will discuss the closure at an emergency meeting on Thursday, when they "
            "are expected to be asked to approve emergency repair funding."
        ),
    ],
    "tamsin-valley-record.txt": [
        (
            "Port Averill city council will hold an emergency meeting on Thursday to discuss the "
            "closure of Merrow Bridge"
        ),
        "“People on the east bank deserve to know how long this has been coming and who knew about it,” she said.",
        (
            "The council said the agenda for Thursday's meeting, which begins at 6pm at the "
            "Guildhall, would be published on its website on Tuesday."
        ),
    ],
    "averill-gazette.html": [
        "Engineers spent Monday night lowering cameras into the River Tamsin",
        (
            "“The crack runs roughly two metres up the downstream face of pier three, where the "
            "concrete meets the steel bearing. We found it during a routine underwater survey on Saturday."
        ),
        (
            "“On its own it would not bring the bridge down tomorrow. But we cannot yet say how "
            "deep it goes, and a bridge carrying this much traffic does not get the benefit of the doubt."
        ),
        "“Closing it was the only responsible decision.”",
        (
            "The bridge, which opened in 1971, was last given a full structural assessment in "
            "2019. Its three river piers were strengthened in 2008 after a barge collision."
        ),
    ],
    "coastwire.json": [
        "A Port Averill ferry company will put on extra boats from Wednesday",
        "Averill Bay Ferries said it would add eight extra sailings a day",
        "“My drive used to take fifteen minutes. This morning it took an hour and ten minutes,” she said.",
        (
            "The city has set up a phone line and a web page with live updates on the closure "
            "and the diversion routes."
        ),
    ],
    "harbourside-daily.jsonl": [
        "Port Averill's transport chief has apologised to the nearly 25,000 commuters",
        "“Every day the bridge is shut costs this city money, but a bridge that fails costs lives.”",
        "“Right now the honest answer is that we do not know,” he said.",
        (
            "The council will hold an emergency meeting on Thursday evening to approve funding "
            "for the repairs and to hear a report from the inspection team."
        ),
    ],
}


@pytest.fixture(scope="module")
def sample() -> dict[str, Article]:
    if not SAMPLE.is_dir():
        pytest.skip(f"sample story not found at {SAMPLE}")
    articles = clean_articles(read_paths([SAMPLE]).articles)
    return {Path((a.source or "").split(":")[0]).name: a for a in articles}


def test_sample_planted_boilerplate_is_removed(sample: dict[str, Article]) -> None:
    assert set(sample) == set(SAMPLE_BODY)
    for name, article in sample.items():
        for phrase in PLANTED:
            assert phrase not in article.text, (name, phrase)


def test_sample_body_is_kept(sample: dict[str, Article]) -> None:
    for name, sentences in SAMPLE_BODY.items():
        for sentence in sentences:
            assert sentence in sample[name].text, (name, sentence)
    # The quote's three paragraphs stay three paragraphs.
    paragraphs = sample["averill-gazette.html"].text.split("\n\n")
    assert "“Closing it was the only responsible decision.”" in paragraphs


def test_sample_removals_carry_the_right_reasons(sample: dict[str, Article]) -> None:
    def reasons(name: str, fragment: str) -> list[str]:
        return [r.reason for r in sample[name].removed if fragment in r.text]

    assert reasons("port-averill-courier.txt", "J. Rivera") == ["caption", "caption"]
    assert reasons("tamsin-valley-record.txt", "J. Rivera") == ["caption"]
    assert reasons("port-averill-courier.txt", "Monday 9 March 2026") == ["dateline"]
    assert reasons("coastwire.json", "Updated 9 March") == ["dateline"]
    assert reasons("coastwire.json", "12 comments") == ["comment-prompt"]
    assert reasons("harbourside-daily.jsonl", "making a donation") == ["donation-appeal"]
    for article in sample.values():
        _assert_audit(article)
