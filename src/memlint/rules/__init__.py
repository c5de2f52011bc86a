"""Every memlint rule, one per module, named after the pattern it finds."""

from memlint.rules.append_then_array import AppendThenArray
from memlint.rules.array_append_in_loop import ArrayAppendInLoop
from memlint.rules.comprehension_in_reducer import ComprehensionInReducer
from memlint.rules.dataframe_append_in_loop import DataframeAppendInLoop
from memlint.rules.deepcopy_in_loop import DeepcopyInLoop
from memlint.rules.definition_in_loop import DefinitionInLoop
from memlint.rules.list_as_queue import ListAsQueue
from memlint.rules.loop_invariant_allocation import LoopInvariantAllocation
from memlint.rules.nested_def_in_hot_function import NestedDefInHotFunction
from memlint.rules.quadratic_concat_in_loop import QuadraticConcatInLoop

ALL_RULES = (
    ComprehensionInReducer,
    DefinitionInLoop,
    NestedDefInHotFunction,
    LoopInvariantAllocation,
    DeepcopyInLoop,
    ArrayAppendInLoop,
    DataframeAppendInLoop,
    QuadraticConcatInLoop,
    ListAsQueue,
    AppendThenArray,
)
