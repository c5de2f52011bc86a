# `any` short-circuits: later elements are no longer evaluated (their prints disappear).
# unsafe-fix changes: MEM101 "stop at the first decisive element"


def check(x):
    print("check", x)
    return x > 1


def run(data):
    return any([check(x) for x in data])


print(run([1, 2, 3, 4]))
