"""Semantic helpers shared by rules: name resolution, known sizes, side effects.

Every helper that needs the file takes its `LintContext` (`memlint.context`: module, parents,
scope index, path, per-file caches) as its first argument; from a rule, pass `self.context`
(`parent(self.context, node)`). Nothing here imports `memlint.rule` or the rules
(tests/core/test_layers.py); rule base classes live in `memlint.rules._bases`.

Need X -> call Y (the modules of tree navigation, method effects and usage):
- name chains, assignment targets, parameters, a visitor over binding targets or one scope ->
  `tree` (`dotted_name`, `full_name`, `root_name`, `base_name`, `target_names`, `parameters`,
  `TargetVisitor`, `SameScopeVisitor`, `visit_body`);
- does a method mutate, add, remove, reorder, store, or only query -> `effects`
  (`MUTATING_METHODS`, `ADDING_METHODS`, `REMOVING_METHODS`, `REORDERING_METHODS`,
  `STORING_METHODS`, `PURE_METHODS`, derived from the builtin types);
- does a loop body visibly mutate what an iterable reads -> `usage.may_mutate`; may code memlint
  cannot see (or an alias) change it, so that a fix making iteration lazy is not proven safe ->
  `usage.unseen_code_may_change`;
- what an expression holds and how big it is: kind (list, array, file, ...), size class (tiny,
  data-sized, unknown) and why -> `values` (`value_of`, `is_tiny`, `data_evidence`,
  `large_kind`, `loop_trips`); the exact count the code states (a display, a string,
  `range()` with constant bounds) -> `values.known_length`, `values.comprehension_length`,
  `values.constant_range`, `values.constant_int`; the bytes at stake -> `estimates`;
- what a loop binds or mutates per iteration -> `loops.loop_bindings`; the one binding of a name
  -> `usage.single_binding`; scopes and qualified names -> `scopes.scope_index`,
  `names.qualified_name`;
- a node's parent, the loops that run it, its function or statement -> `loops` (`parent`,
  `enclosing_loop(s)`, `enclosing_function`, `statement_of`, `is_inside`), and whether a loop
  repeats often enough to matter -> `loops.repeats_often`.
"""
