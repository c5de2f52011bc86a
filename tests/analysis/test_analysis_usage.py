"""memlint.analysis.usage: names read, mutation in a loop body, single bindings, only references."""

from __future__ import annotations

import textwrap

import libcst as cst
import libcst.matchers as m
import pytest
from libcst.metadata import MetadataWrapper

from memlint.analysis.usage import may_mutate, names_read, only_reference_is, root_name, single_binding
from memlint.context import LintContext


def _probe(code: str) -> LintContext:
    module = cst.parse_module(textwrap.dedent(code))
    return LintContext(MetadataWrapper(module, unsafe_skip_copy=True), "probe.py", {})


def _last_name(rule: LintContext, name: str) -> cst.Name:
    return list(m.findall(rule.module, m.Name(name)))[-1]


@pytest.mark.parametrize(
    ("code", "root"),
    [("a", "a"), ("a.b.c", "a"), ("a[i].b", "a"), ("a.b().c", "a"), ("f()[0]", "f"), ("(1).real", None)],
)
def test_root_name(code, root):
    assert root_name(cst.parse_expression(code)) == root


def test_names_read_skips_attribute_and_keyword_names():
    assert names_read(cst.parse_expression("zip(self.items, other, key=k)")) == {"zip", "self", "other", "k"}


@pytest.mark.parametrize(
    "body",
    [
        "d.pop(k)",
        "del d[k]",
        "d[k] = 1",
        "d.attr = 1",
        "d += [1]",
        "helper(d)",
        "helper(d.items)",
        "d.x.append(1)",
        "for d[k] in other: pass",
        "with cm() as d.handle: pass",
        "e.append(d)",  # passed on: whoever holds it may mutate it later in the loop
    ],
)
def test_may_mutate_finds_mutations(body):
    assert may_mutate([cst.parse_module(body)], {"d"})


@pytest.mark.parametrize(
    "body",
    [
        "print(d[k])",
        "x = len(d)",
        "d = {}",
        "del d",
        "v = d.get(k)",
        "helper(d[k])",
        "other.pop()",
    ],
)
def test_may_mutate_ignores_reads_and_rebinding(body):
    assert not may_mutate([cst.parse_module(body)], {"d"})


def test_may_mutate_with_no_roots_is_false():
    assert not may_mutate([cst.parse_module("d.clear()")], set())


def test_single_binding_of_assignment_with_and_param():
    rule = _probe(
        """
        def f(p: list, q):
            a = open(p)
            with open(p) as b:
                pass
            c: int = 3
            use(a, b, c, p, q)
        """
    )
    a = single_binding(rule, _last_name(rule, "a"))
    assert a is not None and a.kind == "assign" and m.matches(a.value, m.Call(func=m.Name("open")))
    b = single_binding(rule, _last_name(rule, "b"))
    assert b is not None and b.kind == "with"
    c = single_binding(rule, _last_name(rule, "c"))
    assert c is not None and m.matches(c.value, m.Integer("3")) and m.matches(c.annotation, m.Name("int"))
    p = single_binding(rule, _last_name(rule, "p"))
    assert p is not None and p.kind == "param" and m.matches(p.annotation, m.Name("list"))


@pytest.mark.parametrize(
    "code",
    [
        "def f():\n    a = 1\n    a = 2\n    use(a)\n",  # bound twice
        "def f():\n    a, b = 1, 2\n    use(a)\n",  # unpacking
        "def f():\n    for a in xs:\n        use(a)\n",  # a loop variable
        "import a\nuse(a)\n",  # an import
        "use(len)\n",  # a builtin
        "def f():\n    x = a = 1\n    use(a)\n",  # chained assignment
    ],
)
def test_single_binding_none(code):
    rule = _probe(code)
    name = _last_name(rule, "len" if "len" in code else "a")
    assert single_binding(rule, name) is None


def test_only_reference_is():
    rule = _probe(
        """
        def once():
            a = make()
            use(a)

        def twice():
            b = make()
            use(b)
            use(b)

        def dynamic():
            c = make()
            use(c)
            return locals()

        d = make()
        use(d)
        """
    )
    for name, expected in (("a", True), ("b", False), ("c", False), ("d", False)):
        use = _last_name(rule, name)
        binding = single_binding(rule, use)
        assert binding is not None, name
        assert only_reference_is(rule, binding, use) is expected, name


# -- unseen code and aliases (issue 17 item 1) ---------------------------------------------------
def _loop_case(code: str):
    """The rule, the first `for` loop's body and its iterable."""
    rule = _probe(code)
    loop = list(m.findall(rule.module, m.For()))[0]
    assert isinstance(loop, cst.For)
    return rule, [loop.body], loop.iter


@pytest.mark.parametrize(
    "code",
    [
        # a module global, changed by a function the loop calls
        "REGISTRY = {}\nfor name in list(REGISTRY):\n    register(name)\n",
        # a parameter, changed by a call
        "def f(items):\n    for x in list(reversed(items)):\n        drop(x)\n",
        # an attribute chain
        "def f(self):\n    for x in list(reversed(self.items)):\n        self.other.prune()\n",
        # a local aliased by `ys = xs`, changed through the alias
        "def f(data):\n    xs = list(data)\n    ys = xs\n    for x in list(reversed(xs)):\n        ys.pop(0)\n",
        # a local captured by a nested function
        "def f(data):\n    xs = list(data)\n    def g():\n        xs.pop()\n    for x in list(reversed(xs)):\n        g()\n",
        # a local bound to a value made elsewhere
        "def f():\n    xs = load()\n    for x in list(reversed(xs)):\n        work()\n",
        # a local handed to unknown code before the loop
        "def f(data):\n    xs = list(data)\n    keep(xs)\n    for x in list(reversed(xs)):\n        work()\n",
        # the elements' attributes, read lazily
        "def f(data):\n    xs = list(data)\n    for s in [p.score for p in xs]:\n        work()\n",
        # `with` runs __enter__/__exit__
        "def f(items):\n    for x in list(reversed(items)):\n        with lock:\n            pass\n",
    ],
)
def test_unseen_code_may_change_exposed_roots(code):
    from memlint.analysis.usage import unseen_code_may_change

    rule, body, source = _loop_case(code)
    assert unseen_code_may_change(rule, body, names_read(source), source)


@pytest.mark.parametrize(
    "code",
    [
        # a private local: fresh, only queried and mutated in place elsewhere
        "def f(data):\n    xs = sorted(data)\n    xs.append(1)\n    n = len(xs)\n    for x in list(reversed(xs)):\n        work(x)\n",
        # an exposed root, but only pure builtins and known methods on private names run
        "def f(items):\n    out = []\n    for x in list(reversed(items)):\n        out.append(len(str(x)))\n",
        # `total += ...` cannot grow a container in place
        "def f(items):\n    total = 0\n    for x in list(reversed(items)):\n        total += x\n",
        # builtins are not reachable state
        "def f(data):\n    xs = [1, 2]\n    for x in list(zip(xs, xs)):\n        work(x)\n",
    ],
)
def test_unseen_code_cannot_reach_private_roots(code):
    from memlint.analysis.usage import unseen_code_may_change

    rule, body, source = _loop_case(code)
    assert not unseen_code_may_change(rule, body, names_read(source), source)


def test_unseen_code_is_judged_by_the_vocabulary():
    from memlint.analysis.usage import calls_unseen_code, runs_unseen_code

    rule = _probe("def len(x):\n    return 0\nlen(a)\nsorted(a)\na.strip()\na.frobnicate()\nkey = lambda s: s.lower()\n")
    calls = [c for c in m.findall(rule.module, m.Call())]
    assert [runs_unseen_code(rule, c) for c in calls] == [True, False, False, True, False]  # a shadowed `len` is unseen
    lam = list(m.findall(rule.module, m.Lambda()))[0]
    assert not calls_unseen_code(rule, lam)
    assert calls_unseen_code(rule, cst.parse_expression("rank"))
