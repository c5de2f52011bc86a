# On an empty input IndexError becomes StopIteration.
# unsafe-fix changes: MEM106 "`IndexError` becomes `StopIteration`"


def first(rows):
    try:
        return list(rows)[0]
    except IndexError:
        return "empty"
    except StopIteration:
        return "stopped"


print(first(iter([])), first(iter([7, 8])))
