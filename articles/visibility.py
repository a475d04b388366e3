"""Reading the visibility rule, `live_q()`, without restating it.

`articles.models.live_q()` is the one definition of what readers may see.
Querysets filter with it; code that holds values rather than rows (a model
instance, a copied related link) evaluates the same Q object with
`matches()`; the page cache asks `time_fields()` which fields decide *when*
an article becomes visible. Change the rule in `live_q()` and these follow.

Only the lookups the rule uses are understood (exact, lt, lte, gt, gte, in,
isnull); another raises, so that a new kind of condition cannot be ignored
silently.
"""

import operator
from datetime import UTC, datetime

from django.db.models import Q

# A time after every publish time: what is live then is published or
# scheduled, i.e. may become visible without an editor's action.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)

LOOKUPS = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, options: value in options,
    "isnull": lambda value, wanted: (value is None) is wanted,
}


def _split(lookup):
    name, _, kind = lookup.rpartition("__")
    if kind in LOOKUPS:
        return name, kind
    return lookup, "exact"


def _value(source, name):
    if isinstance(source, dict):
        return source[name]
    value = source
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def matches(rule, source):
    """Return True if `source` (an object, or a dict of field values) meets
    the Q object `rule`, as the database would decide it."""
    results = (
        matches(child, source)
        if isinstance(child, Q)
        else LOOKUPS[_split(child[0])[1]](_value(source, _split(child[0])[0]), child[1])
        for child in rule.children
    )
    met = all(results) if rule.connector == Q.AND else any(results)
    return not met if rule.negated else met


def conditions(rule):
    """Yield (field name, lookup, value) for every condition in `rule`."""
    for child in rule.children:
        if isinstance(child, Q):
            yield from conditions(child)
        else:
            name, kind = _split(child[0])
            if kind not in LOOKUPS:
                raise ValueError(f"The visibility rule uses an unknown lookup: {kind}")
            yield name, kind, child[1]


def fields(rule):
    """Return the names of the fields `rule` reads."""
    return tuple(dict.fromkeys(name for name, _, _ in conditions(rule)))


def time_fields(rule_at):
    """Return the fields that `rule_at(now)` compares with the time: the
    times at which an article becomes visible."""
    return tuple(
        dict.fromkeys(
            name
            for name, _, value in conditions(rule_at(now=END_OF_TIME))
            if value == END_OF_TIME
        )
    )


_predicates = {}


def predicate(rule_at):
    """Return a function `(source, now) -> bool` that decides what
    `matches(rule_at(now), source)` decides, with the rule's structure read
    once per rule function (pages evaluate it for every link they show)."""
    found = _predicates.get(rule_at)
    if found is None:
        found = _predicates[rule_at] = _build(rule_at(now=END_OF_TIME))
    return found


def _build(rule):
    tests = []
    for child in rule.children:
        if isinstance(child, Q):
            tests.append(_build(child))
            continue
        name, kind = _split(child[0])
        tests.append(_condition(name, LOOKUPS[kind], child[1]))
    combine = all if rule.connector == Q.AND else any
    negated = rule.negated

    def test(source, now):
        return combine(each(source, now) for each in tests) is not negated

    return test


def _condition(name, compare, value):
    if value == END_OF_TIME:  # compared with the time: `now` at evaluation
        return lambda source, now: compare(_value(source, name), now)
    return lambda source, now: compare(_value(source, name), value)
