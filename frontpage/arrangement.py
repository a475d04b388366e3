"""Which live articles each front-page block shows.

Pinned articles come first, in the editors' order; each block is then filled
with the newest live articles that fit it. No story appears twice: pinned
stories are claimed before any block is filled, a story pinned in two blocks
stays in the first, and filling skips what other blocks show, unless a block
is opted out of that (`Block.deduplicate`). Only live articles are shown,
by the one visibility rule (`live()`, `live_q()`): an unpublished pinned
article is gone on the next request, a scheduled one appears at its second.

The cost is fixed, whatever the size of the archive and the number of
blocks: the blocks, their pins, the candidates (ids only), the newest
featured stories when the lead is filled, and the teasers of the chosen
articles, one query each.
"""

from dataclasses import dataclass, field

from articles.models import Article, live_q

from .models import Block, PinnedArticle

DEFAULT_SIZES = {Block.Kind.LEAD: 1, Block.Kind.TOP: 8, Block.Kind.SECTION: 4}
# Only the newest articles are candidates (see latest_per_section()).
AMONG = 1000


@dataclass
class ShownBlock:
    """A block as the page shows it: its heading, link and articles."""

    block: Block
    articles: list = field(default_factory=list)

    @property
    def kind(self):
        return self.block.kind

    @property
    def is_lead(self):
        return self.block.kind == Block.Kind.LEAD

    @property
    def heading(self):
        return self.block.heading()

    @property
    def section(self):
        return self.block.section if self.block.section_id else None


def default_blocks(sections):
    """Return the arrangement shown until editors add blocks: the lead, the
    latest stories and a block for each section in the site's menu."""
    blocks = [
        Block(kind=Block.Kind.LEAD, size=DEFAULT_SIZES[Block.Kind.LEAD], position=0),
        Block(kind=Block.Kind.TOP, size=DEFAULT_SIZES[Block.Kind.TOP], position=1),
    ]
    in_menu = sorted(
        (s for s in sections.values() if s.parent_id is None and s.show_in_navigation),
        key=lambda s: (s.nav_order, s.name),
    )
    for position, section in enumerate(in_menu, start=2):
        blocks.append(
            Block(
                kind=Block.Kind.SECTION,
                section=section,
                size=DEFAULT_SIZES[Block.Kind.SECTION],
                position=position,
            )
        )
    return blocks


def arrange(sections, *, now=None):
    """Return the front page's blocks as ShownBlocks, in page order, each with
    its live articles (teasers). Blocks that have nothing to show are left out.

    `sections` maps every section's id to the Section (for section blocks
    and what lies below them)."""
    blocks = list(Block.objects.current(now=now))
    pins = _live_pins(blocks)
    if not blocks:
        blocks = default_blocks(sections)
    chosen = _choose(blocks, pins, sections)
    wanted = {pk for ids in chosen.values() for pk in ids}
    teasers = Article.objects.live().for_teasers().in_bulk(wanted) if wanted else {}
    shown = []
    for block in blocks:
        articles = [teasers[pk] for pk in chosen[id(block)] if pk in teasers]
        if articles:
            shown.append(ShownBlock(block, articles))
    return shown


def _live_pins(blocks):
    """Return {block id: [live pinned article ids in order]}."""
    saved = [block.pk for block in blocks if block.pk]
    if not saved:
        return {}
    pins = {}
    rows = (
        PinnedArticle.objects.filter(block_id__in=saved)
        .filter(live_q(prefix="article__"))
        .order_by("block_id", "position", "pk")
        .values_list("block_id", "article_id")
    )
    for block_id, article_id in rows:
        pins.setdefault(block_id, []).append(article_id)
    return pins


def _choose(blocks, pins, sections):
    """Return {id(block): [article ids]} for every block."""
    chosen = {id(block): [] for block in blocks}
    claimed = set()
    # Pinned stories first, for every block, so that filling never takes them.
    for block in blocks:
        _take(block, chosen[id(block)], pins.get(block.pk, ()), claimed)
    unfilled = [block for block in blocks if len(chosen[id(block)]) < block.size]
    if not unfilled:
        return chosen
    # Enough of each section's newest for every block to skip all the
    # stories the others show and still be filled.
    slots = sum(block.size for block in blocks)
    candidates = list(
        Article.objects.live()
        .latest_per_section(slots * 2, among=AMONG)
        .newest_first()
        .values_list("pk", "section_id")
    )
    featured = []
    if any(block.kind == Block.Kind.LEAD for block in unfilled):
        featured = list(
            Article.objects.live()
            .filter(featured=True)
            .newest_first()
            .values_list("pk", flat=True)[: slots + 1]
        )
    below = _sections_below(sections)
    for block in unfilled:
        if block.kind == Block.Kind.SECTION:
            covered = below.get(block.section_id, {block.section_id})
            fitting = (pk for pk, section_id in candidates if section_id in covered)
        elif block.kind == Block.Kind.LEAD:
            fitting = [*featured, *(pk for pk, _ in candidates)]
        else:
            fitting = (pk for pk, _ in candidates)
        _take(block, chosen[id(block)], fitting, claimed)
    return chosen


def _take(block, picked, offered, claimed):
    """Add the `offered` ids to the block's `picked` ones, in order, until it
    is full: each once, and none `claimed` by another block unless the block
    is opted out of deduplication. Claim what is taken."""
    for pk in offered:
        if len(picked) >= block.size:
            return
        if pk in picked or (block.deduplicate and pk in claimed):
            continue
        picked.append(pk)
        claimed.add(pk)


def _sections_below(sections):
    """Return {section id: ids of it and every section below it}."""
    below = {pk: {pk} for pk in sections}
    for pk, section in sections.items():
        parent_id = section.parent_id
        seen = {pk}
        while parent_id is not None and parent_id not in seen:
            below.setdefault(parent_id, {parent_id}).add(pk)
            seen.add(parent_id)
            parent = sections.get(parent_id)
            parent_id = parent.parent_id if parent else None
    return below
