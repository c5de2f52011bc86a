# A nested function (a closure) shrinks the list the loop iterates.
# unsafe-fix changes: MEM102 "a closure variable"


def run(data):
    xs = list(data)

    def shrink():
        del xs[0]

    out = []
    for x in list(enumerate(xs)):
        out.append(x)
        shrink()
    return out


print(run([1, 2, 3, 4, 5, 6]))
