"""MEM201: a function defined inside a loop."""

PATTERN = "`def scale` inside `for row in rows` vs defined once before the loop"
SIZE = "1,000,000 rows"
MEASURE = "time"


def setup():
    return list(range(1_000_000))


def before(rows, factor=3):
    out = []
    for row in rows:
        def scale(value):
            return value * factor
        out.append(scale(row))
    return out


def after(rows, factor=3):
    out = []

    def scale(value):
        return value * factor
    for row in rows:
        out.append(scale(row))
    return out
