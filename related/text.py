"""Text similarity for related posts: TF-IDF vectors of headline, standfirst
and body, compared by cosine. Vectors are computed when an article is saved,
never on a reader's request."""

import math
import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "said",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "says",
        "say",
        "one",
        "two",
        "new",
        "year",
        "years",
        "last",
        "first",
        "week",
        "weeks",
        "month",
        "months",
        "day",
        "days",
        "time",
        "told",
        "according",
        "people",
        "many",
        "much",
        "may",
        "might",
        "must",
        "since",
        "still",
        "however",
        "would",
        "also",
        "like",
        "made",
        "make",
        "including",
        "per",
        "cent",
        "percent",
        "mr",
        "ms",
        "mrs",
        "us",
    ]
)
# Words in the headline and standfirst say more about the story than the body.
FIELD_WEIGHTS = {"headline": 3, "standfirst": 2, "body_text": 1}
VECTOR_SIZE = 200  # terms kept per article for the exact cosine
INDEX_SIZE = 25  # most distinctive terms per article, for finding candidates


def stem(word):
    """Return a light stem, so that plural and verb forms meet."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def terms(text):
    """Return the stemmed content words of a text."""
    return [
        stem(word)
        for word in WORD.findall((text or "").lower())
        if len(word) > 2 and word not in STOPWORDS
    ]


def term_counts(fields):
    """Return weighted term counts for {field name: text}."""
    counts = Counter()
    for name, text in fields.items():
        weight = FIELD_WEIGHTS.get(name, 1)
        for term in terms(text):
            counts[term] += weight
    return counts


def idf(documents, total):
    return math.log((total + 1) / (documents + 1)) + 1


def vector(counts, document_frequency, total):
    """Return the L2-normalised TF-IDF vector, limited to its strongest terms."""
    weights = {
        term: (1 + math.log(count)) * idf(document_frequency.get(term, 0), total)
        for term, count in counts.items()
    }
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    strongest = strongest[:VECTOR_SIZE]
    norm = math.sqrt(sum(weight * weight for _, weight in strongest)) or 1.0
    return {term: round(weight / norm, 6) for term, weight in strongest}


def cosine(first, second):
    """Return the cosine similarity of two normalised sparse vectors."""
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())


def strongest_terms(weights, size=INDEX_SIZE):
    """Return the (term, weight) pairs of highest weight.

    Sorted here: PostgreSQL's jsonb does not keep the order keys were stored in.
    """
    return sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:size]
