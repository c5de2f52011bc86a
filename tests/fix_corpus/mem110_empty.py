# On an empty input IndexError becomes ValueError.
# unsafe-fix changes: MEM110 "`IndexError` becomes `ValueError`"


def lowest(values):
    try:
        return sorted(values)[0]
    except IndexError:
        return "empty"
    except ValueError:
        return "no minimum"


print(lowest(iter([])), lowest(iter([3, 1, 2])))
