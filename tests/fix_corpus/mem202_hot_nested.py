# A nested helper in a recursive function, hoisted to module level: identical results
# (the `__qualname__` it exposes changes, documented in the rule's "Fix safety").


def depth(tree):
    def children(node):
        return node[1:]

    return 1 + max([depth(child) for child in children(tree)], default=0)


print(depth((1, (2, (3,)), (4,))))
