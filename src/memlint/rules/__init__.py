"""Every memlint rule, one per module, named after the pattern it finds."""

from memlint.rules.comprehension_in_reducer import ComprehensionInReducer

ALL_RULES = (ComprehensionInReducer,)
