# Issue 17: a module global mutated through a called function while it is iterated.
# unsafe-fix changes: MEM102 "dictionary changed size during iteration"
import json

REGISTRY = json.loads('{"a": 1, "b": 2}')  # data of unknown size


def register_alias(name):
    REGISTRY[name + "_alias"] = REGISTRY[name]


try:
    for name in [n for n in REGISTRY]:
        register_alias(name)
    print(sorted(REGISTRY))
except RuntimeError as error:
    print("RuntimeError", error)
