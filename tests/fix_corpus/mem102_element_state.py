# The elements' attributes are read lazily; an unseen call changes a later element.
# unsafe-fix changes: MEM102 "the attributes of a comprehension's elements"
import json


class Player:
    def __init__(self, score):
        self.score = score


PLAYERS = [Player(score) for score in json.loads("[1, 2, 3]")]  # data of unknown size


def bump():
    PLAYERS[-1].score += 100


def scores():
    out = []
    for s in [p.score for p in PLAYERS]:
        bump()
        out.append(s)
    return out


print(scores())
