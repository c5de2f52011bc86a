"""MEM204: copy.deepcopy of the same object on every iteration."""

import copy

PATTERN = "`board = copy.deepcopy(start)` per move vs `del board` at the end of each iteration"
SIZE = "1,000 lists of 100 ints, 5 moves"


def setup():
    return [list(range(i, i + 100)) for i in range(1_000)], range(5)


def before(state):
    start, moves = state
    scores = []
    for move in moves:
        board = copy.deepcopy(start)
        board[0].append(move)
        scores.append(len(board[0]))
    return scores


def after(state):
    start, moves = state
    scores = []
    for move in moves:
        board = copy.deepcopy(start)
        board[0].append(move)
        scores.append(len(board[0]))
        del board
    return scores
