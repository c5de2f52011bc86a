# Issue 17: `drop` removes from the global list the loop iterates.
# unsafe-fix changes: MEM102 "code memlint cannot see"
import json

ITEMS = json.loads("[1, 2, 3, 4]")  # data of unknown size
seen = []


def drop(x):
    seen.append(x)
    ITEMS.remove(x)


for i, x in list(enumerate(ITEMS)):
    drop(x)
print(seen, ITEMS)
