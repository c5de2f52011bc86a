# A file opened and read only in this function: the safe fix is identical.
import os
import tempfile


def lengths(path):
    out = []
    with open(path) as f:
        for line in f.readlines():
            out.append(len(line))
    return out


path = os.path.join(tempfile.mkdtemp(), "lines.txt")
with open(path, "w") as handle:
    handle.write("one\ntwo\nthree\n")
print(lengths(path))
os.remove(path)
