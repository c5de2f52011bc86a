# Issue 17: `ys` is an alias of `xs`; popping from it shortens what `reversed(xs)` walks.
# unsafe-fix changes: MEM102 "aliased by `ys = xs`"


def walk(xs):
    ys = xs
    out = []
    for x in list(reversed(xs)):
        ys.pop(0)
        out.append(x)
    return out


print(walk([1, 2, 3, 4]))
