# A private local list, iterated while unseen code runs: no code can reach it, the fix is safe.


def helper(v):
    return v * 2


def run(data):
    xs = sorted(data)
    out = []
    for i, x in list(enumerate(xs)):
        out.append(helper(i + x))
    return out


print(run([3, 1, 2]))
