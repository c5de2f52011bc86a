# Redundant copies: identical.


def run(names):
    gen = (n.upper() for n in names)
    return sorted(list(names)), tuple(list(gen)), sorted(set(list(n for n in names if n)))


print(run(["b", "a", ""]))
