# `nonlocal` rebinding inside a helper does not touch the object being iterated: identical.


def run(data):
    xs = list(data)
    total = 0

    def add(v):
        nonlocal total
        total += v

    for i, x in list(enumerate(xs)):
        add(i * x)
    return total


print(run([3, 1, 2]))
