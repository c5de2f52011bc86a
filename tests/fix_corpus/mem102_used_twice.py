# A materialized list consumed twice must stay a list: no finding, identical.


def run(a, b):
    pairs = list(zip(a, b))
    for p in pairs:
        print(p)
    return len(pairs)


print(run([1, 2], [3, 4]))
