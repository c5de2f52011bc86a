"""MEM110: a sorted copy built to take its largest item."""

PATTERN = "`sorted(groups, key=len, reverse=True)[0]` vs `max(groups, key=len)` on a generator of sets"
SIZE = "20,000 sets of 50 ints (one per connected component of a graph)"


def setup():
    return 20_000


def _groups(n):
    # One set per component, built on demand as `nx.connected_components` yields them.
    return (set(range(i * 50, i * 50 + 50 + i % 7)) for i in range(n))


def before(n):
    largest = sorted(_groups(n), key=len, reverse=True)[0]
    return len(largest)


def after(n):
    largest = max(_groups(n), key=len)
    return len(largest)
