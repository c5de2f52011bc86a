# `max` calls the key between elements; the key changes a later element's score.
# unsafe-fix changes: MEM101 "`min`, `max` and `heapq` call the key"


class Player:
    def __init__(self, score):
        self.score = score


def best(players):
    def rank(score):
        players[-1].score = 1000
        return score

    return max([p.score for p in players], key=rank)


print(best([Player(1), Player(5), Player(3)]))
