# Issue 12: the class body reads `xs`, which the loop sorts; hoisting the class would freeze
# the first order. MEM201 must stay silent (identical output).


def run(rounds):
    xs = [3, 1, 2]
    out = []
    for r in rounds:
        class Snapshot:
            first = xs[0]
        xs.sort(reverse=bool(r % 2))
        out.append(Snapshot.first)
    return out


print(run(range(150)))
