# Hoisting binds the name even when the loop runs zero times.
# unsafe-fix changes: MEM201 "after a loop that runs zero times the name is now bound"


def run(rows):
    out = []
    for row in rows:
        def scale(value):
            return value * 2
        out.append(scale(row))
    try:
        scale
    except NameError:
        out.append("unbound")
    return out


print(run([]), run([1, 2]))
