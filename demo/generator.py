"""Generate many realistic articles fast, for load tests and ranking work.

`generate()` writes with bulk inserts, one transaction per batch. It fills every
field `Article.save()` would fill (a unique slug, clean body HTML, edit_version,
timestamps) but keeps no revisions and no former URLs: that is what makes it
fast, and why it is only for demo and benchmark databases.

Articles come in stories: a few articles about one invented event, sharing its
named entities, section and tags, published over a few days. The ids of each
story's articles are returned, so that related posts can be measured against a
known answer. The same seed gives the same content; publish times are relative
to now, and slugs get a numeric suffix when taken.
"""

import functools
import itertools
import queue
import random
import secrets
import threading
import time
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from pathlib import Path

from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db import reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleAuthor
from reading import display
from reading.pagecache import bump_content_version
from related.counting import refresh_popular_ranking
from related.models import DailyViewCount
from sections.models import Section

from .management.commands.load_demo import CONTENT_DIR
from .management.commands.load_demo import Command as LoadDemo

DATA_DIR = Path(__file__).resolve().parent / "generator_data"
MIN_WORDS, MAX_WORDS = 300, 1500
DRAFT_SHARE, SCHEDULED_SHARE = 0.01, 0.005
# Live articles published this many days ago or less get daily reads.
VIEW_DAYS = 30
# Stories of one article are single reports; the rest are clusters of 2-8.
STORY_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
STORY_SIZE_WEIGHTS = (20, 22, 17, 13, 10, 8, 5, 5)
# The first article of a story is news; these are the kinds of the follow-ups.
FOLLOW_UP_KINDS = {
    Article.Kind.NEWS: 48,
    Article.Kind.ANALYSIS: 16,
    Article.Kind.OPINION: 10,
    Article.Kind.FEATURE: 10,
    Article.Kind.INTERVIEW: 6,
    Article.Kind.REVIEW: 10,  # culture only; news elsewhere
}
# Body length in words by kind: (shortest, longest, most common).
BODY_WORDS = {
    Article.Kind.NEWS: (MIN_WORDS, 1100, 450),
    Article.Kind.ANALYSIS: (600, 1450, 1000),
    Article.Kind.OPINION: (500, 1100, 800),
    Article.Kind.FEATURE: (700, 1450, 1200),
    Article.Kind.INTERVIEW: (600, 1400, 900),
    Article.Kind.REVIEW: (400, 1000, 650),
}
BYLINE_SIZES, BYLINE_WEIGHTS = (1, 2, 3), (72, 22, 6)
TAG_ZIPF_EXPONENT = 1.3
# Stories about a person are tagged with the name, as newsrooms do: the long
# tail that makes the tag count grow with the archive (about 10,000 tags at
# 100,000 articles, from the first names and surnames of common.toml).
PERSON_TAG_SHARE = 0.5
SLUG_BASE_LENGTH = 180
INSERT_BATCH = 5000
# Stories ending in these windows before now, beyond the even spread over the
# whole period, as a share of all stories and at most this many.
RECENT_STORIES = ((timedelta(hours=48), 0.06, 15), (timedelta(days=7), 0.08, 30))


@dataclass
class GenerationResult:
    seed: int
    articles: int = 0
    drafts: int = 0
    scheduled: int = 0
    # The ids of each story's articles, oldest first.
    stories: list = field(default_factory=list)
    sections: int = 0
    authors: int = 0
    tags: int = 0
    new_tags: int = 0
    bylines: int = 0
    tag_links: int = 0
    view_rows: int = 0
    seconds: float = 0.0

    @property
    def live(self):
        return self.articles - self.drafts - self.scheduled

    @property
    def rows(self):
        return (
            self.articles
            + self.bylines
            + self.tag_links
            + self.view_rows
            + self.new_tags
        )

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def articles_per_second(self):
        return self.articles / self.seconds if self.seconds else 0.0


def generate(n, *, seed=None, batch=2000, days=1500, progress=None):
    """Create `n` articles; return a GenerationResult.

    `progress`, if given, is called as progress(done, n) after each batch.
    """
    if seed is None:
        seed = secrets.randbelow(2**31)
    started = time.monotonic()
    generator = ArticleGenerator(seed=seed, days=days, now=timezone.now())
    writer = _Writer(generator)
    result = GenerationResult(
        seed=seed, sections=len(writer.section_ids), authors=len(writer.author_ids)
    )
    for drafts in _batches_ahead(generator.drafts(n), batch):
        writer.write(drafts, result)
        if progress:
            progress(result.articles, n)
    # The stored Popular posts ranking would otherwise wait for the next flush.
    refresh_popular_ranking()
    result.stories = [ids for ids in writer.stories if ids]
    result.tags = len(writer.used_tags)
    result.seconds = time.monotonic() - started
    return result


def _batches_ahead(drafts, size):
    """Yield lists of `size` drafts, drawing the next while the caller writes.

    Drawing is pure Python and writing mostly waits for the database, so on
    two cores a second thread cuts the time by about the time spent drawing.
    """
    batches = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def draw():
        try:
            remaining = iter(drafts)
            while (batch := list(itertools.islice(remaining, size))) and (
                not stop.is_set()
            ):
                put(batch)
            put(None)
        except Exception as error:  # handed to the writing thread
            put(error)

    thread = threading.Thread(target=draw, name="generate-articles", daemon=True)
    thread.start()
    try:
        while (item := batches.get()) is not None:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


@functools.cache
def vocabulary():
    """Return the word lists: (common, topics, authors)."""
    common = tomllib.loads((DATA_DIR / "common.toml").read_text())
    topics = [
        Topic(key, data)
        for key, data in tomllib.loads((DATA_DIR / "topics.toml").read_text()).items()
    ]
    authors = tomllib.loads((DATA_DIR / "authors.toml").read_text())["authors"]
    return common, topics, authors


def tag_name(words):
    """Return the stored name of a tag written as in prose: "Interest Rates"."""
    small = {"a", "and", "for", "in", "of", "on", "the"}
    return " ".join(
        word if i and word in small else word[:1].upper() + word[1:]
        for i, word in enumerate(words.split())
    )


class Topic:
    def __init__(self, key, data):
        self.key = key
        self.section = data["section"]
        self.section_row = {
            "slug": data["section"],
            "name": data.get("section_name", ""),
            "description": data.get("section_description", ""),
            "parent": data.get("section_parent"),
        }
        self.weight = data["weight"]
        for name in (
            "roles",
            "org_patterns",
            "places",
            "subjects",
            "nouns",
            "groups",
            "headlines",
            "sentences",
        ):
            setattr(self, name, data[name])
        self.reviews = data.get("reviews", [])
        # Ranked tags, as (stored name, prose form), with Zipf-like weights.
        self.tags = [(tag_name(words), words) for words in data["tags"]]
        weights = [1 / rank**TAG_ZIPF_EXPONENT for rank in range(1, len(self.tags) + 1)]
        self.tag_cum_weights = list(_accumulate(weights))


def _accumulate(values):
    total = 0
    for value in values:
        total += value
        yield total


class Story:
    """One invented event: its slot values, tags, desk and time."""

    __slots__ = (
        "end",
        "headlines",
        "hot",
        "index",
        "lead",
        "person_tag",
        "size",
        "slots",
        "span",
        "tags",
        "topic",
    )


class Draft:
    """An unsaved article with what goes in other tables."""

    __slots__ = ("article", "author_slugs", "hot", "story", "tags", "topic")


class _Slots(dict):
    """A story's slot values; any other slot is drawn afresh at each use."""

    def __init__(self, fixed, draw):
        super().__init__(fixed)
        self.draw = draw

    def __missing__(self, key):
        return self.draw[key]()


class ArticleGenerator:
    """Draw stories and articles from the word lists; no database access."""

    def __init__(self, *, seed, days, now):
        self.seed = seed
        # Demo content, not secrets: a seeded, reproducible generator is the point.
        self.rng = random.Random(seed)  # noqa: S311
        # Person tags have their own draws: the rest of the content stays
        # what the seed gave before they were added.
        self.person_rng = random.Random(f"{seed}-people")  # noqa: S311
        self.days = days
        self.now = now
        self.common, self.topics, authors = vocabulary()
        self.topic_cum_weights = list(_accumulate(t.weight for t in self.topics))
        self.desks = {
            topic.key: [a["slug"] for a in authors if topic.key in a["desks"]]
            for topic in self.topics
        }
        self.author_slugs = [a["slug"] for a in authors]
        rng = self.rng
        common = self.common
        common_draw = {
            "source": functools.partial(rng.choice, common["sources"]),
            "adj": functools.partial(rng.choice, common["adjectives"]),
            "day": functools.partial(rng.choice, common["weekdays"]),
            "month": functools.partial(rng.choice, common["months"]),
            "num": lambda: str(rng.randint(3, 90)),
            "pct": lambda: f"{rng.randint(1, 40)}.{rng.randint(0, 9)} per cent",
            "money": self._money,
        }
        self.topic_draw = {
            topic.key: {
                **common_draw,
                "thing": functools.partial(rng.choice, topic.nouns),
                "group": functools.partial(rng.choice, topic.groups),
            }
            for topic in self.topics
        }

    def drafts(self, n):
        """Yield `n` Drafts, story by story, each story oldest article first."""
        # Statuses have their own draws, so that the first articles of a run
        # are the same whatever its length.
        rng = random.Random(f"{self.seed}-status")  # noqa: S311
        drafts = round(n * DRAFT_SHARE)
        special = rng.sample(range(n), drafts + round(n * SCHEDULED_SHARE))
        unpublished, scheduled = set(special[:drafts]), set(special[drafts:])
        expected_stories = n / (
            sum(s * w for s, w in zip(STORY_SIZES, STORY_SIZE_WEIGHTS, strict=True))
            / sum(STORY_SIZE_WEIGHTS)
        )
        recent = [
            (window, min(share, most / expected_stories))
            for window, share, most in RECENT_STORIES
        ]
        index = story_index = 0
        while index < n:
            story = self._story(story_index, recent)
            story.size = min(story.size, n - index)
            for position, published in enumerate(self._story_times(story)):
                status = Article.Status.PUBLISHED
                if index in unpublished:
                    status = Article.Status.DRAFT
                    published = self.now - timedelta(days=rng.uniform(0, 14))
                elif index in scheduled:
                    published = self.now + timedelta(hours=rng.uniform(1, 240))
                yield self._draft(story, position, status, published)
                index += 1
            story_index += 1

    def _story(self, index, recent):
        rng, common = self.rng, self.common
        story = Story()
        story.index = index
        topic = story.topic = rng.choices(
            self.topics, cum_weights=self.topic_cum_weights
        )[0]
        first, last = rng.choice(common["first_names"]), rng.choice(common["surnames"])
        first2, last2 = (
            rng.choice(common["first_names"]),
            rng.choice(common["surnames"]),
        )
        if last2 == last:
            last2 = common["surnames"][common["surnames"].index(last) - 1]
        coined = self._coined()
        town = rng.choice(common["town_patterns"]).format(coined=self._coined())
        subject = rng.choice(topic.subjects).format(coined=coined, town=town)
        story.slots = {
            "person": f"{first} {last}",
            "surname": last,
            "role": rng.choice(topic.roles),
            "person2": f"{first2} {last2}",
            "surname2": last2,
            "role2": rng.choice(topic.roles),
            "org": rng.choice(topic.org_patterns).format(coined=self._coined()),
            "place": rng.choice(topic.places),
            "town": town,
            "subject": subject,
            "Subject": subject[:1].upper() + subject[1:],
        }
        story.tags = self._zipf_tags(topic, rng.choice((2, 2, 3, 3, 3, 4)))
        place = story.slots["place"].removeprefix("the ")
        if rng.random() < 0.3 and (tag_name(place), place) not in story.tags:
            story.tags.append((tag_name(place), place))
        story.person_tag = (
            f"{first} {last}" if self.person_rng.random() < PERSON_TAG_SHARE else None
        )
        story.size = rng.choices(STORY_SIZES, weights=STORY_SIZE_WEIGHTS)[0]
        story.lead = rng.choice(self.desks[topic.key])
        story.headlines = set()
        story.hot = rng.paretovariate(1.2)
        story.span = timedelta(days=rng.uniform(0.1, 6))
        draw, within = rng.random(), rng.random()
        story.end = self.now - timedelta(days=rng.uniform(0, self.days))
        for window, share in recent:
            if draw < share:
                story.end = self.now - within * window
                story.span = min(story.span, window)
                break
            draw -= share
        return story

    def _story_times(self, story):
        offsets = sorted((self.rng.random() for _ in range(story.size)), reverse=True)
        offsets[-1] = 0.0
        start = self.now - timedelta(days=self.days)
        return [max(story.end - offset * story.span, start) for offset in offsets]

    def _draft(self, story, position, status, published):
        rng, topic = self.rng, story.topic
        kind = Article.Kind.NEWS
        if position:
            kind = rng.choices(
                list(FOLLOW_UP_KINDS), weights=list(FOLLOW_UP_KINDS.values())
            )[0]
            if kind == Article.Kind.REVIEW and not topic.reviews:
                kind = Article.Kind.NEWS
        tags = list(story.tags)
        if rng.random() < 0.5:
            tags.extend(self._zipf_tags(topic, 1, exclude=tags))
        slots = _Slots(
            story.slots,
            {
                **self.topic_draw[topic.key],
                "tag": functools.partial(rng.choice, [prose for _, prose in tags]),
            },
        )
        article = Article(
            headline=self._headline(story, kind, slots),
            kind=kind,
            standfirst=_sentence(rng.choice(self.common["standfirsts"]), slots),
            status=status,
            featured=kind == Article.Kind.NEWS and rng.random() < 0.02,
            publish_at=published,
            edit_version=1,
        )
        article.body, article.body_text = self._body(kind, topic, slots)
        # As many draws whatever the status, so that statuses change nothing else.
        written = timedelta(minutes=rng.uniform(5, 360))
        edited = timedelta(minutes=rng.uniform(1, 240) if rng.random() < 0.3 else 0)
        if status == Article.Status.PUBLISHED and published <= self.now:
            article.created_at = published - written
            article.updated_at = min(published + edited, self.now)
        else:
            article.created_at = min(published, self.now) - written
            article.updated_at = article.created_at
        draft = Draft()
        draft.article = article
        draft.story = story.index
        draft.topic = topic.key
        draft.tags = [name for name, _ in tags]
        if story.person_tag and story.person_tag not in draft.tags:
            draft.tags.append(story.person_tag)
        draft.author_slugs = self._byline(story)
        # Follow-ups are read less than the story's first report.
        draft.hot = story.hot * (1.0 if position == 0 else rng.uniform(0.1, 0.7))
        return draft

    def _headline(self, story, kind, slots):
        """Return a headline that no other article of the story has."""
        if kind == Article.Kind.NEWS:
            templates = story.topic.headlines
        elif kind == Article.Kind.REVIEW:
            templates = story.topic.reviews
        else:
            templates = self.common["headlines"][kind]
        for template in self.rng.sample(templates, len(templates)):
            headline = _sentence(template, slots)[:200]
            if headline not in story.headlines:
                break
        story.headlines.add(headline)
        return headline

    def _body(self, kind, topic, slots):
        rng = self.rng
        sentences = _cycle(rng, topic.sentences + self.common["sentences"])
        headings = _cycle(rng, self.common["subheadings"])
        low, high, mode = BODY_WORDS[kind]
        target = int(rng.triangular(low, high, mode))
        blocks, texts, words = [], [], 0
        since_heading, until_heading, quotes = 0, rng.randint(2, 4), 0
        while words < target:
            if since_heading >= until_heading:
                text = _sentence(next(headings), slots)
                block = f"<h2>{escape(text, quote=False)}</h2>"
                since_heading, until_heading = 0, rng.randint(2, 5)
            elif len(blocks) > 1 and quotes < 2 and rng.random() < 0.08:
                text = f"“{_sentence(rng.choice(self.common['quotes']), slots)}”"
                block = f"<blockquote><p>{escape(text, quote=False)}</p></blockquote>"
                quotes += 1
            else:
                text = " ".join(
                    _sentence(next(sentences), slots) for _ in range(rng.randint(2, 5))
                )
                block = f"<p>{escape(text, quote=False)}</p>"
                since_heading += 1
            count = len(text.split())
            if words + count > MAX_WORDS:
                break
            blocks.append(block)
            texts.append(text)
            words += count
        if blocks[-1].startswith("<h2>"):
            blocks.pop()
            texts.pop()
        # The HTML as demo.markup.to_html() writes it, and the plain text as
        # articles.html.html_to_text() reads it (faster than parsing it back).
        return "\n".join(blocks), "\n".join(texts)

    def _byline(self, story):
        rng = self.rng
        desk = self.desks[story.topic.key]
        lead = story.lead if rng.random() < 0.7 else rng.choice(desk)
        byline = [lead]
        for _ in range(rng.choices(BYLINE_SIZES, weights=BYLINE_WEIGHTS)[0] - 1):
            other = rng.choice(desk if rng.random() < 0.6 else self.author_slugs)
            if other not in byline:
                byline.append(other)
        return byline

    def _zipf_tags(self, topic, count, exclude=()):
        """Return `count` distinct (name, prose) tags of the topic, drawn by rank."""
        chosen = list(exclude)
        for _ in range(count * 10):
            tag = self.rng.choices(topic.tags, cum_weights=topic.tag_cum_weights)[0]
            if tag not in chosen:
                chosen.append(tag)
            if len(chosen) == len(exclude) + count:
                break
        return chosen[len(exclude) :]

    def _coined(self):
        rng, common = self.rng, self.common
        return (
            rng.choice(common["coined_start"])
            + rng.choice(common["coined_middle"])
            + rng.choice(common["coined_end"])
        )

    def _money(self):
        rng = self.rng
        if rng.random() < 0.5:
            return f"${rng.randint(2, 950)}m"
        return f"${rng.randint(1, 40)}.{rng.randint(1, 9)}bn"


def _cycle(rng, templates):
    """Yield the templates in random order, reshuffled each round: few repeats."""
    while True:
        yield from rng.sample(templates, len(templates))


def _sentence(template, slots):
    text = template.format_map(slots)
    return text[:1].upper() + text[1:]


class _Writer:
    """Insert the drafts of a generator, batch by batch; set up what they need."""

    def __init__(self, generator):
        self.generator = generator
        self.section_ids = self._sections(generator.topics)
        self.author_ids = self._authors()
        self.content_type_id = ContentType.objects.get_for_model(Article).pk
        self.tag_ids = {
            name.casefold(): pk for pk, name in Tag.objects.values_list("pk", "name")
        }
        self.tag_slugs = set(Tag.objects.values_list("slug", flat=True))
        self.used_tags = set()
        self.used_slugs = set()
        self.stories = []
        # Reads depend on the time of day, so they must not shift the main draws.
        self.view_rng = random.Random(f"{generator.seed}-views")  # noqa: S311

    def write(self, drafts, result):
        articles = [draft.article for draft in drafts]
        for draft in drafts:
            draft.article.section_id = self.section_ids[draft.topic]
        self._assign_slugs(articles)
        with transaction.atomic():
            with _own_timestamps():
                Article.objects.bulk_create(articles, batch_size=INSERT_BATCH)
            bylines = [
                ArticleAuthor(
                    article_id=draft.article.pk,
                    author_id=self.author_ids[slug],
                    position=position,
                )
                for draft in drafts
                for position, slug in enumerate(draft.author_slugs)
            ]
            ArticleAuthor.objects.bulk_create(bylines, batch_size=INSERT_BATCH)
            result.new_tags += self._ensure_tags(
                {name for draft in drafts for name in draft.tags}
            )
            links = [
                TaggedItem(
                    tag_id=self.tag_ids[name.casefold()],
                    content_type_id=self.content_type_id,
                    object_id=draft.article.pk,
                )
                for draft in drafts
                for name in draft.tags
            ]
            TaggedItem.objects.bulk_create(links, batch_size=INSERT_BATCH)
            views = [row for draft in drafts for row in self._views(draft)]
            DailyViewCount.objects.bulk_create(views, batch_size=INSERT_BATCH)
            # What the article pages show from the rows above (reading.display).
            display.create_missing(article.pk for article in articles)
        # bulk_create sends no signals: cached pages must not miss the batch.
        bump_content_version()
        for draft in drafts:
            while len(self.stories) <= draft.story:
                self.stories.append([])
            self.stories[draft.story].append(draft.article.pk)
            if draft.article.status == Article.Status.DRAFT:
                result.drafts += 1
            elif draft.article.publish_at > self.generator.now:
                result.scheduled += 1
        result.articles += len(drafts)
        result.bylines += len(bylines)
        result.tag_links += len(links)
        result.view_rows += len(views)
        # With DEBUG on, every query's SQL is kept, whole bodies included.
        reset_queries()

    def _sections(self, topics):
        """Return {topic key: section id}, creating the sections that are missing."""
        site = tomllib.loads((CONTENT_DIR / "site.toml").read_text())
        by_slug = LoadDemo().load_sections(site["sections"])
        for topic in topics:
            row = topic.section_row
            if row["slug"] in by_slug:
                continue
            parent = by_slug.get(row["parent"])
            by_slug[row["slug"]], _ = Section.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "parent": parent,
                    "show_in_navigation": parent is None,
                },
            )
        return {topic.key: by_slug[topic.section].pk for topic in topics}

    def _authors(self):
        """Return {slug: author id}, creating the authors that are missing."""
        site = tomllib.loads((CONTENT_DIR / "site.toml").read_text())
        _, _, rows = vocabulary()
        extra = [row for row in rows if "name" in row]
        authors = LoadDemo().load_authors([*site["authors"], *extra])
        return {slug: author.pk for slug, author in authors.items()}

    def _assign_slugs(self, articles):
        """Give each article its headline's slug, with a suffix when taken."""
        bases = {
            i: slugify(article.headline)[:SLUG_BASE_LENGTH].rstrip("-") or "article"
            for i, article in enumerate(articles)
        }
        suffixes = dict.fromkeys(bases, 1)
        while bases:
            wanted = {
                i: base if suffixes[i] == 1 else f"{base}-{suffixes[i]}"
                for i, base in bases.items()
            }
            taken = self.used_slugs | _existing_slugs(wanted.values())
            for i, slug in wanted.items():
                if slug in taken:
                    suffixes[i] += 1
                    continue
                articles[i].slug = slug
                taken.add(slug)
                self.used_slugs.add(slug)
                del bases[i]

    def _ensure_tags(self, names):
        """Create the tags that do not exist yet; return how many were created."""
        self.used_tags.update(name.casefold() for name in names)
        new = []
        for name in sorted(names):
            if name.casefold() in self.tag_ids:
                continue
            slug = base = Tag().slugify(name)
            n = 1
            while slug in self.tag_slugs:
                n += 1
                slug = f"{base}_{n}"
            self.tag_slugs.add(slug)
            new.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(new)
        self.tag_ids.update((tag.name.casefold(), tag.pk) for tag in new)
        return len(new)

    def _views(self, draft):
        """Return daily reads of a recent live article: a few hot, most not."""
        article = draft.article
        now = self.generator.now
        if (
            article.status != Article.Status.PUBLISHED
            or article.publish_at > now
            or article.publish_at < now - timedelta(days=VIEW_DAYS)
        ):
            return []
        rng = self.view_rng
        today = timezone.localdate(now)
        first = timezone.localdate(article.publish_at)
        peak = 40 * draft.hot
        rows = []
        for age in range((today - first).days + 1):
            # Reads halve every day and a half after publication.
            views = int(peak * 0.5 ** (age / 1.5) * rng.uniform(0.6, 1.4))
            views += rng.randint(0, 3)
            if views:
                rows.append(
                    DailyViewCount(
                        article_id=article.pk,
                        day=first + timedelta(days=age),
                        views=views,
                    )
                )
        return rows


def _existing_slugs(slugs, chunk=500):
    slugs = list(slugs)
    found = set()
    for start in range(0, len(slugs), chunk):
        found.update(
            Article.objects.filter(slug__in=slugs[start : start + chunk]).values_list(
                "slug", flat=True
            )
        )
    return found


@contextmanager
def _own_timestamps():
    """Let bulk_create keep the articles' own created and modified times.

    auto_now and auto_now_add would stamp every row with the time of the insert.
    """
    fields = [Article._meta.get_field(name) for name in ("created_at", "updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
