from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from memlint import matchers as m
from memlint.analysis.estimates import sequence_estimate
from memlint.analysis.effects import needs_full_evaluation
from memlint.analysis.names import qualified_name, short_name
from memlint.analysis.values import comprehension_length
from memlint.analysis.loops import enclosing_loops, parent
from memlint.analysis.scopes import scope_index
from memlint.analysis.usage import single_binding
from memlint.analysis.values import is_tiny
from memlint.findings import Applicability, Tier
from memlint.matching import matches
from memlint.rule import FixAvailability, Invalid, Option, Rule, Valid

LIST_CALL = m.Call(func=m.Name("list") | m.Attribute(attr=m.Name("list")), args=[m.Arg(keyword=None, star="")])
SOURCE = m.ListComp() | LIST_CALL
CANDIDATE = m.Call(func=m.Name() | m.Attribute(), args=[m.Arg(value=SOURCE, keyword=None, star=""), m.ZeroOrMore()])
BUILDERS = frozenset({"numpy.array", "numpy.asarray"})
# An element that is itself a sequence makes a 2-D array: fromiter cannot build it.
NESTED_ELEMENT = (
    m.List() | m.Tuple() | m.Set() | m.Dict() | m.ListComp() | m.SetComp() | m.DictComp() | m.GeneratorExp() | m.StarredElement()
)
OBJECT_DTYPE = m.Name("object") | m.Attribute(attr=m.Name("object_")) | m.SimpleString(m.MatchIfTrue(lambda s: s.strip("'\"") in ("O", "object")))
# Lazy callables yielding scalars when their input does (zip, enumerate, product yield tuples).
SCALAR_LAZY = frozenset(
    {
        "builtins.map", "builtins.filter", "builtins.reversed", "itertools.accumulate", "itertools.chain",
        "itertools.islice", "itertools.starmap", "itertools.compress", "itertools.dropwhile",
        "itertools.takewhile", "itertools.filterfalse",
    }
)
SEQUENCE_VALUE = m.List() | m.Tuple() | m.ListComp()
SEQUENCE_BUILDERS = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted"})
DEFAULT_DTYPE = cst.Name("float")
NUMBER = m.Integer() | m.Float() | m.UnaryOperation(expression=m.Integer() | m.Float())
SCALAR_BUILTINS = frozenset(
    {"builtins.float", "builtins.int", "builtins.bool", "builtins.len", "builtins.abs", "builtins.round", "builtins.ord",
     "builtins.complex", "builtins.hash", "builtins.sum", "math.sqrt", "math.log", "math.exp", "math.floor", "math.ceil",
     "math.fsum", "math.prod", "math.dist", "math.hypot"}
)
# Iterables whose items have methods returning ints: `m.start()` for the matches of `re.finditer`.
SCALAR_METHODS_OF = {"re.finditer": frozenset({"start", "end"})}
# Uses of a dict that neither add nor replace values (reads, removals, iteration).
DICT_READS = frozenset({"get", "keys", "values", "items", "copy", "pop", "popitem", "clear", "__contains__", "__getitem__"})
READING_BUILTINS = frozenset(
    {"builtins.len", "builtins.sorted", "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset",
     "builtins.sum", "builtins.min", "builtins.max", "builtins.any", "builtins.all", "builtins.iter", "builtins.print"}
)
COUNTERS = frozenset({"builtins.range", "itertools.count"})


class ArrayFromList(Rule):
    """
    ## What it does
    Flags `numpy.array(...)` or `numpy.asarray(...)` (however numpy is imported) of a list
    comprehension, or of `list(...)` of a generator expression or of a lazy iterable (`map`,
    `filter`, `itertools.chain`, ...), where each element is a scalar.

    ## Why is this bad?
    The list holds every element as a Python object (a float is 24 bytes plus an 8-byte
    pointer) before numpy copies them into the array (8 bytes each for float64): the peak is
    about five times the array. `numpy.fromiter` fills the array straight from a generator.
    Measured with tracemalloc on CPython 3.11 and numpy 2.4, `np.array([x * 2 for x in data])`
    over 1,000,000 floats peaks at +40 MB; `np.fromiter((x * 2 for x in data), dtype=float)` at
    +8 MB (the array itself).

    It does not apply, and memlint stays silent, when:
    - the function is not numpy's (`from mylib import array`, a local `np`, `cupy.array`);
    - each element is itself a sequence (`[[a, b] for ...]`, `(a, b)`, `zip`, `enumerate`): the
      result is 2-D and `fromiter` needs a structured dtype;
    - the element does not look like a number (a number, arithmetic with one,
      `float()`/`int()`/`len()`/`abs()`/`round()`/`sum()`/`math.*`, a comparison, `d.get(k, 0)`,
      `m.start()` of the matches of `re.finditer`, `index[k]` of an index map: below):
      `np.array([pos[n] for n in nodes])` is often a stack of coordinate arrays. A `dtype=`
      proves nothing: `np.asarray([a.coord for a in atoms], dtype=np.float32)` makes a 2-D
      array of vectors, and `np.fromiter` would raise on it;
    - `dtype=object` (object arrays from `fromiter` need numpy 1.23+ and save nothing);
    - the length is known from the code and small (below `small-iterable-size`), or the
      comprehension runs over a proven tiny iterable (`a.shape`, `range(a.ndim)`, `xs[:10]`).

    ## Precision policy
    The cost grows with the data: reported when the iterated value is *not proven tiny*
    (analysis/values.py), and only when each element is shown to be a scalar.

    A subscript `d[k]` is a scalar when `d` is an index map of the same function: bound once, to
    `{x: i for i, x in enumerate(xs)}`, `dict(zip(xs, range(n)))` or a dict whose values are
    scalars, and never written to (or handed to other code) before the array is built. A bare
    attribute or a subscript of anything else is not proven scalar, whatever `dtype=` says.

    Preview: on five real projects never used to tune it (docs/precision.md) 20 of its 27
    judged findings were worth the change (74 %), under the 80 % a stable rule needs. The other seven
    build arrays from collections that are small by nature (one value per fit parameter, per
    vertex of one polyline, per path joined), whose size the code does not state any more than
    that of the true findings' graphs and meshes: requiring data-sized evidence would drop the
    true findings with them. Select it by its code (`--select MEM108`) where arrays are built
    from large Python collections.

    Never suggested: `np.array(<generator>)`, which builds a 0-d object array, not an array of
    the elements.

    ## Example
    ```python
    import numpy as np
    values = np.array([f(x) for x in data], dtype=np.float32)
    ```

    Use instead:
    ```python
    import numpy as np
    values = np.fromiter((f(x) for x in data), dtype=np.float32, count=len(data))
    ```

    ## Fix safety
    `fromiter` needs a dtype. When the call states one (`dtype=` or the second positional
    argument), the fix is unsafe: an element that is not a scalar after all (the check is on
    the element's form, not its run-time type) now raises instead of making a 2-D array, `fromiter` does not accept `copy=`/`order=`/`ndmin=`, and the elements are
    produced while the array is filled. Without a dtype the fix is only displayed, with
    `dtype=float` as a placeholder for you to choose (numpy would have inferred it from the
    values). `count=len(xs)` is added when the comprehension has one `for` over a name that is
    provably a list or tuple and no `if`; no fix is offered when numpy was imported name by
    name (`from numpy import array`), since `fromiter` may not be imported, or when other
    arguments are given.

    ## Options
    - `small-iterable-size`: iterables whose length is known from the code and below this
      number are not reported.

    ## Overlaps
    No Ruff or flake8 rule flags this pattern.

    ## References
    - NumPy docs, `numpy.fromiter`
    """

    code = "MEM108"
    tier = Tier.PREVIEW
    triggers = ("numpy", "array|asarray")
    name = "array-from-list"
    message = "`{func}()` of {what} holds every element as a Python object before the array exists; use `numpy.fromiter`"
    fix_title = "Build the array with `numpy.fromiter` from a generator"
    fix_availability = FixAvailability.SOMETIMES
    options = {
        "small-iterable-size": Option(1000, "iterables of known length below this are not reported"),
    }

    VALID = [
        Valid("import numpy as np\nvalues = np.fromiter((x * 2 for x in data), dtype=float)", "already streams"),
        Valid("import numpy as np\nvalues = np.array(data)", "no intermediate list in the code"),
        Valid("import numpy as np\npoints = np.array([(p.x, p.y) for p in points])", "elements are tuples: a 2-D array"),
        Valid("import numpy as np\npairs = np.array(list(zip(xs, ys)))", "zip yields tuples: a 2-D array"),
        Valid("import numpy as np\nboxes = np.array([x for x in data], dtype=object)", "an object array"),
        Valid("import numpy as np\nsmall = np.array([x * 2 for x in range(10)])", "small constant range"),
        Valid("from mylib import array\nvalues = array([x * 2 for x in data])", "not numpy's"),
        Valid("import cupy as np\nvalues = np.array([x * 2 for x in data])", "cupy, not numpy"),
        Valid(
            "import numpy as np\ndef build(np, data):\n    return np.array([x * 2 for x in data])",
            "a parameter shadows the module",
        ),
        Valid("import numpy as np\nvalues = np.array(list(rows))", "the source may be any sequence of sequences"),
        Valid("import numpy as np\ncoords = np.array([pos[n] for n in nodes])", "elements may be arrays: a 2-D result"),
        Valid("import numpy as np\nvalues = np.array(list(map(f, data)))", "unknown elements and no dtype"),
        Valid(
            "import numpy as np\ncoords = np.asarray([a.coord for a in atoms], dtype=np.float32)",
            "elements may be vectors: `dtype=` proves nothing, and `fromiter` would raise",
        ),
        Valid("import numpy as np\ndef f(a):\n    return np.array([n * 2 for n in a.shape])", "one element per dimension: tiny"),
        Valid("import numpy as np\nvalid = np.array([e.is_valid for e in entities], dtype=bool)", "an attribute may be anything: `dtype=` proves nothing"),
        Valid(
            "import numpy as np\ndef f(G, edges, fill):\n    index = {n: i for i, n in enumerate(G)}\n    fill(index)\n    return np.array([index[u] for u, _ in edges])",
            "the index map is handed to other code before the array is built: its values may change",
        ),
        Valid(
            "import numpy as np\ndef f(scene, instances):\n    mass = {k: g.mass for k, g in scene.items()}\n    return np.array([mass[g] for g in instances], dtype=float)",
            "a dict of attributes: not proven scalar",
        ),
    ]
    INVALID = [
        Invalid(
            "import numpy as np\nimport re\nidx = np.array([m.start(0) for m in re.finditer('usemtl ', text)], dtype=int)",
            "import numpy as np\nimport re\nidx = np.fromiter((m.start(0) for m in re.finditer('usemtl ', text)), dtype=int)",
            Applicability.UNSAFE,
            note="`Match.start()` is an int",
        ),
        Invalid(
            "import numpy as np\nvalues = np.array([x * 2 for x in data])",
            "import numpy as np\nvalues = np.fromiter((x * 2 for x in data), dtype=float)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "import numpy as np\nvalues = np.array([x * 2 for x in data], dtype=np.float32)",
            "import numpy as np\nvalues = np.fromiter((x * 2 for x in data), dtype=np.float32)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy\nvalues = numpy.asarray(list(map(float, fields)), 'f8')",
            "import numpy\nvalues = numpy.fromiter(map(float, fields), dtype='f8')",
            Applicability.UNSAFE,
        ),
        Invalid(
            "import numpy as xp\ndef f(rows):\n    sizes = [len(r) for r in rows]\n    return xp.array([s * 2 for s in sizes], dtype=int)",
            "import numpy as xp\ndef f(rows):\n    sizes = [len(r) for r in rows]\n    return xp.fromiter((s * 2 for s in sizes), dtype=int, count=len(sizes))",
            Applicability.UNSAFE,
            note="the comprehension's source is provably a list: its length is the count",
        ),
        Invalid(
            "import numpy as np\nvalues = np.array(list(abs(x) for x in data if x > 0), dtype=float)",
            "import numpy as np\nvalues = np.fromiter((abs(x) for x in data if x > 0), dtype=float)",
            Applicability.UNSAFE,
        ),
        Invalid(
            "from numpy import array as arr\nvalues = arr([x * 2 for x in data])",
            None,
            None,
            note="`fromiter` may not be imported: reported without a fix",
        ),
        Invalid(
            "import numpy as np\nvalues = np.array([x * 2 for x in data], dtype=float, copy=True)",
            None,
            None,
            note="fromiter takes no `copy=`: no fix",
        ),
        Invalid(
            "import numpy as np\nvalues = np.asarray([\n    float(v.value)  # the reading\n    for v in data\n], dtype=float)",
            "import numpy as np\nvalues = np.fromiter((\n    float(v.value)  # the reading\n    for v in data\n), dtype=float)",
            Applicability.UNSAFE,
            note="the comprehension's layout and comments are kept",
        ),
        Invalid(
            "import numpy as np\ndef f(G, edges, later):\n    index = {n: i for i, n in enumerate(G)}\n"
            "    src = np.array([index[u] for u, _ in edges], dtype=np.int32)\n    return later(index, src)",
            "import numpy as np\ndef f(G, edges, later):\n    index = {n: i for i, n in enumerate(G)}\n"
            "    src = np.fromiter((index[u] for u, _ in edges), dtype=np.int32)\n    return later(index, src)",
            Applicability.UNSAFE,
            note="an index map of this function: its values are ints (networkx approximation/density.py)",
        ),
        Invalid(
            "import numpy as np\ndef f(nodelist, edges):\n    index = dict(zip(nodelist, range(len(nodelist))))\n"
            "    return np.array([index[v] for v in edges])",
            "import numpy as np\ndef f(nodelist, edges):\n    index = dict(zip(nodelist, range(len(nodelist))))\n"
            "    return np.fromiter((index[v] for v in edges), dtype=float)",
            Applicability.DISPLAY,
        ),
        Invalid(
            "import numpy as np\nweights = np.array([scores.get(n, 0) for n in nodes])",
            "import numpy as np\nweights = np.fromiter((scores.get(n, 0) for n in nodes), dtype=float)",
            Applicability.DISPLAY,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not matches(node, CANDIDATE):
            return  # cheap syntactic guard before any name resolution
        builder = qualified_name(self.context, node.func)
        if builder not in BUILDERS:
            return
        dtype, other_args = _dtype(node)
        if dtype is not None and matches(dtype, OBJECT_DTYPE):
            return
        source = node.args[0].value
        generator = self._generator(source)
        if generator is None:
            return
        what = "a list comprehension" if m.matches(source, m.ListComp()) else "`list(...)`"
        fields = {"func": short_name(builder or ""), "what": what}
        estimate = sequence_estimate(self.context, source)  # the Python objects alive before the array
        if other_args or not m.matches(node.func, m.Attribute()):
            self.report(node, estimate=estimate, **fields)
            return
        args: List[cst.Arg] = [cst.Arg(generator), _keyword("dtype", dtype if dtype is not None else DEFAULT_DTYPE)]
        count = self._count(source)
        if count is not None:
            args.append(_keyword("count", count))
        func = cst.ensure_type(node.func, cst.Attribute)
        replacement = node.with_changes(func=func.with_changes(attr=cst.Name("fromiter")), args=args)
        applicability = Applicability.UNSAFE if dtype is not None else Applicability.DISPLAY
        self.report(node, fix=self.make_fix(applicability, (node, replacement)), estimate=estimate, **fields)

    def _generator(self, source: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The generator to stream from (parenthesized), or None when this is not the pattern.

        With or without a dtype the element must look like a scalar (a number, arithmetic with a
        number, `float()`/`int()`/`len()`..., a comparison, `d.get(k, 0)`): `[pos[n] for n in G]`
        may well be a list of coordinate arrays, a 2-D result that `fromiter` cannot build."""
        if m.matches(source, m.ListComp()):
            comp = cst.ensure_type(source, cst.ListComp)
            if needs_full_evaluation(comp) or matches(comp.elt, NESTED_ELEMENT) or self._small(comp.for_in):
                return None
            if not self._scalar(comp.elt) and not self._scalar_method(comp.elt, comp.for_in):
                return None  # `dtype=` proves nothing: `np.asarray([a.coord for a in atoms], dtype=float)` is 2-D
            return _generator_for(comp)
        inner = cst.ensure_type(source, cst.Call).args[0].value
        if qualified_name(self.context, cst.ensure_type(source, cst.Call).func) != "builtins.list":
            return None
        if m.matches(inner, m.GeneratorExp()):
            gen = cst.ensure_type(inner, cst.GeneratorExp)
            if needs_full_evaluation(gen) or matches(gen.elt, NESTED_ELEMENT) or self._small(gen.for_in):
                return None
            if not self._scalar(gen.elt):
                return None
            return gen.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if not gen.lpar else gen
        if m.matches(inner, m.Call()) and qualified_name(self.context, cst.ensure_type(inner, cst.Call).func) in SCALAR_LAZY:
            lazy = cst.ensure_type(inner, cst.Call)
            maps_to_scalar = m.matches(lazy, m.Call(args=[m.Arg(value=m.Name() | m.Attribute()), m.ZeroOrMore()])) and (
                qualified_name(self.context, lazy.args[0].value) in SCALAR_BUILTINS
            )
            return inner if maps_to_scalar else None
        return None

    def _scalar(self, element: cst.BaseExpression) -> bool:
        """Does `element` look like a number (see `_generator`)?"""
        if m.matches(element, NUMBER | m.Comparison() | m.UnaryOperation(operator=m.Not())):
            return True
        if m.matches(element, m.BinaryOperation()):
            binary = cst.ensure_type(element, cst.BinaryOperation)
            return self._scalar(binary.left) or self._scalar(binary.right)
        if m.matches(element, m.IfExp()):
            choice = cst.ensure_type(element, cst.IfExp)
            return self._scalar(choice.body) and self._scalar(choice.orelse)
        if m.matches(element, m.Call(func=m.Attribute(attr=m.Name("get")), args=[m.Arg(), m.Arg(value=NUMBER)])):
            return True
        if isinstance(element, cst.Subscript):
            return self._index_lookup(element)
        return m.matches(element, m.Call()) and qualified_name(self.context, cst.ensure_type(element, cst.Call).func) in SCALAR_BUILTINS

    def _index_lookup(self, element: cst.Subscript) -> bool:
        """`d[k]` where `d` is an index map of this function (see the precision policy)."""
        if len(element.slice) != 1 or not isinstance(element.slice[0].slice, cst.Index) or not isinstance(element.value, cst.Name):
            return False
        binding = single_binding(self.context, element.value)
        if binding is None or binding.kind != "assign" or binding.value is None:
            return False
        scope = binding.assignment.scope
        if not isinstance(scope, cst.FunctionDef) or not isinstance(scope.body, cst.IndentedBlock):
            return False
        if scope_index(self.context).reads_anywhere(scope, ("locals", "vars", "eval", "exec")) or not self._scalar_values(binding.value):
            return False
        statements = [id(statement) for statement in scope.body.body]
        built = self._top_statement(scope, element)
        repeated = len(enclosing_loops(self.context, element)) > 1  # a loop around the comprehension's own
        for reference in binding.assignment.references:
            read = reference.node
            if self._only_reads(read):
                continue
            later = self._top_statement(scope, read)
            if repeated or built is None or later is None or statements.index(id(later)) <= statements.index(id(built)):
                return False  # written to, or handed to code that may write to it, before the array is built
        return True

    def _top_statement(self, scope: cst.FunctionDef, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The statement of the function's own body that contains `node`."""
        current: Optional[cst.CSTNode] = node
        while current is not None:
            above = parent(self.context, current)
            if above is scope.body:
                return current
            current = above
        return None

    def _scalar_values(self, value: cst.BaseExpression) -> bool:
        """A dict whose every value is a scalar: `{x: i for i, x in enumerate(xs)}`,
        `dict(zip(xs, range(n)))`, a display of numbers."""
        if isinstance(value, cst.Dict):
            return bool(value.elements) and all(isinstance(e, cst.DictElement) and self._scalar(e.value) for e in value.elements)
        if isinstance(value, cst.DictComp):
            if self._scalar(value.value):
                return True
            return isinstance(value.value, cst.Name) and self._counter(value.value.value, value.for_in)
        if isinstance(value, cst.Call) and qualified_name(self.context, value.func) == "builtins.dict" and len(value.args) == 1:
            pairs = value.args[0].value
            if isinstance(pairs, cst.Call) and qualified_name(self.context, pairs.func) == "builtins.zip" and len(pairs.args) == 2:
                counter = pairs.args[1].value
                return isinstance(counter, cst.Call) and qualified_name(self.context, counter.func) in COUNTERS and not pairs.args[1].star
        return False

    def _counter(self, name: str, for_in: Optional[cst.CompFor]) -> bool:
        """Is `name` bound by a clause as the count of `enumerate(...)` or an item of `range(...)`?"""
        while for_in is not None:
            iterated = for_in.iter
            func = qualified_name(self.context, iterated.func) if isinstance(iterated, cst.Call) else None
            target = for_in.target
            if func == "builtins.enumerate" and isinstance(target, cst.Tuple) and len(target.elements) == 2:
                first = target.elements[0].value
                if isinstance(first, cst.Name) and first.value == name:
                    return True
            if func in COUNTERS and isinstance(target, cst.Name) and target.value == name:
                return True
            for_in = for_in.inner_for_in
        return False

    def _only_reads(self, read: cst.Name) -> bool:
        """A use of the dict that adds or replaces no value: `d[k]` read, `k in d`, iteration,
        `d.get(k)`, `len(d)`."""
        holder = parent(self.context, read)
        if isinstance(holder, cst.Subscript) and holder.value is read:
            outer = parent(self.context, holder)
            return not isinstance(outer, (cst.AssignTarget, cst.AugAssign, cst.Del, cst.Element, cst.StarredElement))
        if isinstance(holder, cst.ComparisonTarget) and holder.comparator is read:
            return True
        if isinstance(holder, (cst.For, cst.CompFor)) and holder.iter is read:
            return True
        if isinstance(holder, cst.Attribute) and holder.value is read:
            return holder.attr.value in DICT_READS and isinstance(parent(self.context, holder), cst.Call)
        if isinstance(holder, cst.Arg):
            call = parent(self.context, holder)
            return isinstance(call, cst.Call) and qualified_name(self.context, call.func) in READING_BUILTINS
        return False

    def _scalar_method(self, element: cst.BaseExpression, for_in: cst.CompFor) -> bool:
        """`[m.start(0) for m in re.finditer(...)]`: a method known to return an int, called on
        the loop variable of an iterable whose items are known (`SCALAR_METHODS_OF`)."""
        if not (isinstance(element, cst.Call) and isinstance(element.func, cst.Attribute)):
            return False
        receiver = element.func.value
        if not (isinstance(receiver, cst.Name) and isinstance(for_in.target, cst.Name) and receiver.value == for_in.target.value):
            return False
        if for_in.inner_for_in is not None or not isinstance(for_in.iter, cst.Call):
            return False
        methods = SCALAR_METHODS_OF.get(qualified_name(self.context, for_in.iter.func) or "", frozenset())
        return element.func.attr.value in methods

    def _small(self, for_in: cst.CompFor) -> bool:
        length = comprehension_length(self.context, for_in)
        if length is not None:
            return length < self.settings["small-iterable-size"]
        clause: Optional[cst.CompFor] = for_in
        while clause is not None:  # a tiny iterable (a shape, `range(a.ndim)`, `xs[:10]`) is enough
            if is_tiny(self.context, clause.iter):
                return True
            clause = clause.inner_for_in
        return False

    def _count(self, source: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """`len(xs)` when the comprehension is `[... for x in xs]` and `xs` is a list or tuple."""
        if not m.matches(source, m.ListComp(for_in=m.CompFor(iter=m.Name(), ifs=[], inner_for_in=None))):
            return None
        iterated = cst.ensure_type(cst.ensure_type(source, cst.ListComp).for_in.iter, cst.Name)
        binding = single_binding(self.context, iterated)
        if binding is None or binding.value is None:
            return None
        value = binding.value
        is_sequence = matches(value, SEQUENCE_VALUE) or (
            m.matches(value, m.Call()) and qualified_name(self.context, cst.ensure_type(value, cst.Call).func) in SEQUENCE_BUILDERS
        )
        if not is_sequence:
            return None
        return cst.Call(func=cst.Name("len"), args=[cst.Arg(cst.Name(iterated.value))])


def _dtype(call: cst.Call) -> Tuple[Optional[cst.BaseExpression], bool]:
    """The dtype argument (keyword or second positional), and whether other arguments exist."""
    dtype: Optional[cst.BaseExpression] = None
    other = False
    for index, arg in enumerate(call.args):
        if index == 0:
            continue
        if arg.star:
            other = True
        elif arg.keyword is None and index == 1:
            dtype = arg.value
        elif arg.keyword is not None and arg.keyword.value == "dtype":
            dtype = arg.value
        else:
            other = True
    return dtype, other


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )


def _generator_for(comp: cst.ListComp) -> cst.GeneratorExp:
    """The comprehension as a parenthesized generator, keeping the brackets' whitespace."""
    return cst.GeneratorExp(
        elt=comp.elt,
        for_in=comp.for_in,
        lpar=[cst.LeftParen(whitespace_after=comp.lbracket.whitespace_after)],
        rpar=[cst.RightParen(whitespace_before=comp.rbracket.whitespace_before)],
    )

