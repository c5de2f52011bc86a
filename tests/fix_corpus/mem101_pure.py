# Side-effect-free reducers: identical.


def run(data):
    return sum([x * x for x in data]), max([abs(x) for x in data], key=abs), sorted([x % 3 for x in data])


print(run(list(range(-5, 6))))
