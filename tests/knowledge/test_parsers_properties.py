"""Properties of the statute and press-review parsers on arbitrary text (hypothesis)."""
import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.press import group_near_duplicates, split_press_review
from knowledge.readers import article_number, parse_front_matter
from knowledge.statutes import parse_date, repealed_references, statute_facts, statute_number

PROPERTIES = settings(max_examples=150, deadline=None)

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"]
# Pieces of statute text: dates in parentheses (plausible or not), numbers, kinds, repeal verbs.
STATUTE_PIECES = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda day, month, year: f"({day} {month} {year})",
        st.one_of(st.integers(0, 35).map(str), st.just("فاتح")),
        st.sampled_from(MONTHS),
        st.one_of(st.integers(1890, 2110), st.integers(1000, 9999)),
    ),
    st.sampled_from(["مرسوم رقم 2.25.983", "ظهير شريف رقم 1.03.194", "ينسخ المرسوم رقم 2.24.1122 الصادر في ",
                     "وحرر بالرباط في 8 رجب 1447 ", "(نسخ)", " رقم ", "."]),
)
STATUTE_TEXT = st.lists(STATUTE_PIECES, max_size=8).map("".join)


@PROPERTIES
@given(STATUTE_TEXT)
def test_a_parsed_date_is_always_a_real_date(text):
    date = parse_date(text)
    if date:
        parsed = dt.date.fromisoformat(date)  # raises on 2025-02-31
        assert 1900 <= parsed.year <= 2100


@PROPERTIES
@given(STATUTE_TEXT, st.lists(STATUTE_TEXT, max_size=3))
def test_statute_facts_never_raise_and_stay_well_formed(title, articles):
    facts = statute_facts(title, articles)
    assert facts["status"] in ("in_force", "repealed")
    if facts["date"]:
        assert facts["year"] == dt.date.fromisoformat(facts["date"]).year
    else:
        assert facts["year"] is None
    assert facts["statute_number"] == statute_number(title)
    assert re.fullmatch(r"(\d+(\.\d+){1,3})?", facts["statute_number"])
    for ref in repealed_references(articles):
        assert ref["date"] == "" or dt.date.fromisoformat(ref["date"])


def test_impossible_days_are_no_dates():
    # Found by the property above: these used to come out as "2025-02-31".
    assert parse_date("(31 فبراير 2025)") == ""
    assert parse_date("(31 أبريل 2020) (30 أبريل 2020)") == "2020-04-30"


@PROPERTIES
@given(st.dictionaries(st.sampled_from(["section", "provision_ref", "content"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.none())))
def test_article_number_never_raises(provision):
    assert isinstance(article_number(provision), str)


@PROPERTIES
@given(st.text(max_size=200))
def test_front_matter_body_is_the_rest_of_the_text(text):
    meta, body = parse_front_matter(text)
    assert text.endswith(body)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())


# Press-review-like text: headlines opening with a space, URLs alone on their line, agency signatures.
PRESS_LINES = st.one_of(
    st.text(max_size=40),
    st.sampled_from([" LE MINISTRE ANNONCE UN PLAN", " الوزارة تعلن عن برنامج جديد", "https://a.example/x",
                     "https://b.example/y-", "z/article", "(12/04/2021)ومع", "(MAP)", "", "Le texte de l'article."]),
)
PRESS_TEXT = st.lists(PRESS_LINES, max_size=14).map("\n".join)


@PROPERTIES
@given(PRESS_TEXT)
def test_press_review_split_never_raises_and_keeps_only_real_articles(text):
    articles = split_press_review(text)
    # Found by this property: a URL-only segment used to count, leaving a lone article without one.
    assert articles == [] or sum(1 for a in articles if a.url) >= 2
    for article in articles:
        assert article.text
        assert len(article.title) <= 200
        assert article.url in article.urls or not article.url


@PROPERTIES
@given(st.lists(st.text(max_size=60), max_size=6))
def test_near_duplicate_groups_partition_the_texts(texts):
    groups = group_near_duplicates(texts)
    assert sorted(i for group in groups for i in group) == list(range(len(texts)))
