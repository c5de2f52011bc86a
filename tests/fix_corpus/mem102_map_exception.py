# `map` runs user code: an error now comes after part of the loop has run.
# unsafe-fix changes: MEM102 "an exception it raises comes after part of the loop has run"


def parse(strings):
    try:
        for x in list(map(int, strings)):
            print("got", x)
    except ValueError:
        print("bad input")


parse(["1", "2", "x", "4"])
