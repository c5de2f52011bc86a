# An unseen helper reads from the same global file while the loop iterates it.
# unsafe-fix changes: MEM103 "may read from the same file"
import os
import tempfile

path = os.path.join(tempfile.mkdtemp(), "lines.txt")
with open(path, "w") as out:
    out.write("a\nb\nc\nd\n")

handle = open(path)


def skip_one():
    return handle.readline()


seen = []
for line in handle.readlines():
    seen.append((line.strip(), skip_one().strip()))
handle.close()
os.remove(path)
print(seen)
