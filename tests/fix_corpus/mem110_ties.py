# Equal but distinct items: `sorted(..., reverse=True)[0]` and `max` pick the same one (sort
# stability holds with reverse=True), `sorted(...)[0]` and `min` too. The `[-1]` forms pick the
# last of equal items: their fix is display-only, never applied.


class Part:
    def __init__(self, size, tag):
        self.size, self.tag = size, tag

    def __len__(self):
        return self.size


def pick(parts):
    biggest = sorted(iter(parts), key=len, reverse=True)[0]
    smallest = sorted(parts, key=len)[0]
    last_biggest = sorted(parts, key=len)[-1]
    last_smallest = sorted(parts, key=len, reverse=True)[-1]
    return biggest.tag, smallest.tag, last_biggest.tag, last_smallest.tag


print(pick([Part(1, "a"), Part(3, "b"), Part(3, "c"), Part(1, "d")]))
print(sorted([0.0, -0.0, 0])[0], sorted([-0.0, 0.0], reverse=True)[0])
