"""MEM302: pandas.concat growing a frame in a loop."""

import pandas as pd

PATTERN = "`df = pd.concat([df, pd.DataFrame([record])])` per record vs `pd.DataFrame.from_records` once"
SIZE = "2,000 records of 3 fields"
MEASURE = "time"
COPIED_UNIT = "rows"
REQUIRES = ("pandas",)
N = 2_000


def setup():
    return [{"a": i, "b": float(i), "c": str(i)} for i in range(N)]


def before(records):
    df = pd.DataFrame()
    for record in records:
        df = pd.concat([df, pd.DataFrame([record])])
    return df


def after(records):
    df = pd.DataFrame.from_records(records, columns=["a", "b", "c"])
    return df


def copied(side):
    """Rows copied: every concat copies all the rows so far."""
    return N * (N + 1) // 2 if side == "before" else N
