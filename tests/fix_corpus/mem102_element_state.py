# The elements' attributes are read lazily; an unseen call changes a later element.
# unsafe-fix changes: MEM102 "the attributes of a comprehension's elements"


class Player:
    def __init__(self, score):
        self.score = score


PLAYERS = [Player(1), Player(2), Player(3)]


def bump():
    PLAYERS[-1].score += 100


def scores():
    out = []
    for s in [p.score for p in PLAYERS]:
        bump()
        out.append(s)
    return out


print(scores())
