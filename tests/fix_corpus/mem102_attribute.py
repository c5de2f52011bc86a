# A method prunes the attribute the loop iterates: a method call on `self` is a visible possible
# mutation of what the iterable reads, so MEM102 stays silent (identical output).


class Basket:
    def __init__(self):
        self.items = [5, 1, 4, 2]

    def prune(self):
        if self.items:
            self.items.pop()

    def walk(self):
        out = []
        for i, item in list(enumerate(self.items)):
            out.append((i, item))
            self.prune()
        return out


print(Basket().walk())
