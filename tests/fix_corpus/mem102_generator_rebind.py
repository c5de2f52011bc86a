# A generator reads `k` lazily: the loop rebinds it.
# unsafe-fix changes: MEM102 "rebinds a name a generator reads lazily"


def shift(xs, k):
    out = []
    for y in [x + k for x in xs]:
        k = y
        out.append(y)
    return out


print(shift([1, 2, 3], 10))
