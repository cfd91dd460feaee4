"""The demo knowledge base `make run` ships: enough articles, both languages, every topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bots.knowledge.files import ArticleFile, read_path

KB_DIR = Path(__file__).resolve().parents[2] / "demo" / "kb"
LANGUAGES = ("de", "en")
# The topics issue 5 names, each with the tag its articles carry.
ISSUE_TOPICS = {
    "contract": "contract",
    "insurance": "insurance",
    "damage": "damage",
    "theft": "theft",
    "leasing end and buy-out": "buyout",
    "tax": "tax",
    "changing employer": "employer",
    "parental leave": "parental",
    "service and inspection": "inspection",
    "delivery": "delivery",
}
TAG = re.compile(r"[a-z]+")
WORD = re.compile(r"\w+")
# Details a supporter may search for by keyword: phone numbers and form names.
KEYWORDS = re.compile(r"030 23125 \d{3}|\b[A-ZÜ]{2}-\d\b")


@dataclass(frozen=True)
class Article:
    """One article of the knowledge base, its slug without the language suffix."""

    slug: str
    language: str
    title: str
    tags: tuple[str, ...]
    body: str

    @property
    def sections(self) -> list[str]:
        return [line[3:] for line in self.body.splitlines() if line.startswith("## ")]

    @property
    def words(self) -> int:
        return len(WORD.findall(self.body))


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """Every article in the folder, read by the importer `kb import` and `make run` use."""
    read = read_path(KB_DIR)
    assert read.errors == []
    return [_article(found) for found in read.articles]


def _article(found: ArticleFile) -> Article:
    slug, _, suffix = found.slug.rpartition("-")  # "theft-de": both versions share "theft"
    content = found.content
    assert suffix == content.language, found.slug
    return Article(slug, content.language, content.title, tuple(content.tags), content.body)


def test_there_are_at_least_30_articles_in_german_and_english(articles: list[Article]) -> None:
    assert len(articles) >= 30
    assert {article.language for article in articles} == set(LANGUAGES)


def test_slugs_come_in_german_english_pairs_with_the_same_tags(articles: list[Article]) -> None:
    by_slug: dict[str, dict[str, Article]] = {}
    for article in articles:
        by_slug.setdefault(article.slug, {})[article.language] = article
    assert len(by_slug) >= 18
    for slug, pair in by_slug.items():
        assert set(pair) == set(LANGUAGES), slug
        assert pair["de"].tags == pair["en"].tags, slug
        assert pair["de"].title != pair["en"].title, slug
        assert set(KEYWORDS.findall(pair["de"].body)) == set(KEYWORDS.findall(pair["en"].body)), (
            slug
        )


def test_every_topic_of_the_issue_has_an_article_in_each_language(
    articles: list[Article],
) -> None:
    for topic, tag in ISSUE_TOPICS.items():
        for language in LANGUAGES:
            assert any(
                tag in article.tags for article in articles if article.language == language
            ), (topic, language)


def test_tags_are_lowercase_english_words(articles: list[Article]) -> None:
    for article in articles:
        assert article.tags, article.slug
        assert all(TAG.fullmatch(tag) for tag in article.tags), (article.slug, article.tags)


def test_each_article_has_a_title_two_to_five_sections_and_120_to_700_words(
    articles: list[Article],
) -> None:
    for article in articles:
        name = f"{article.slug}-{article.language}"
        assert article.title, name
        assert not article.body.startswith("#"), name  # an intro comes before the sections
        assert 2 <= len(article.sections) <= 5, name
        assert 120 <= article.words <= 700, (name, article.words)


def test_titles_are_unique(articles: list[Article]) -> None:
    assert len({article.title for article in articles}) == len(articles)
