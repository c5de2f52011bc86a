# The nested helper's default reads SCALE, bound below the hot function: hoisting it to module
# level would raise NameError at import, so MEM202 offers no fix (identical output).


def depth(tree):
    def children(node, k=SCALE):
        return node[k:]

    return 1 + max([depth(child) for child in children(tree)], default=0)  # noqa: MEM101


SCALE = 1
print(depth((1, (2, (3,)), (4,))))
