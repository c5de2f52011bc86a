# The nested helper's default reads WRAP, bound below the hot function: hoisting it to module
# level would raise NameError at import, so MEM202 offers no fix (identical output).


def labels(node):
    def label(item, wrap=WRAP):
        return wrap % (item[0],)

    return [] if node is None else [label(node)] + labels(node[1])


WRAP = "<%s>"
print(labels((1, (2, (3, None)))))
