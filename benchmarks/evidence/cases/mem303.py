"""MEM303: bytes concatenated in a loop."""

PATTERN = "`payload += chunk` on bytes vs a `bytearray`"
SIZE = "20,000 chunks of 50 bytes (1 MB)"
MEASURE = "time"
N = 20_000


# Built at import, before anything is measured; named so that the lint sees its size (the
# data-sized evidence MEM303 requires).
CHUNKS = [bytes(50) for _ in range(N)]


def setup():
    return CHUNKS


def before(stream):
    payload = b""
    for chunk in CHUNKS:
        payload += chunk
    return payload


def after(stream):
    payload = bytearray()
    for chunk in CHUNKS:
        payload += chunk
    return payload


def copied(side):
    """Bytes copied: every `+=` on bytes copies the whole payload so far. The bytearray's figure is
    the bytes appended: it over-allocates, so its occasional reallocations copy a small multiple."""
    return 50 * N * (N + 1) // 2 if side == "before" else 50 * N
