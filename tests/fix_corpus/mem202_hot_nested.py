# A nested helper in a function that recurses once per item, hoisted to module level: identical
# results (the `__qualname__` it exposes changes, documented in the rule's "Fix safety").


def labels(node):
    def label(item):
        return "<%s>" % (item[0],)

    return [] if node is None else [label(node)] + labels(node[1])


print(labels((1, (2, (3, None)))))
