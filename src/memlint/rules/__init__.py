"""Every memlint rule, one per module, named after the pattern it finds."""

from memlint.rules.append_then_array import AppendThenArray
from memlint.rules.array_append_in_loop import ArrayAppendInLoop
from memlint.rules.array_from_list import ArrayFromList
from memlint.rules.cached_instance_method import CachedInstanceMethod
from memlint.rules.comprehension_in_reducer import ComprehensionInReducer
from memlint.rules.dataframe_append_in_loop import DataframeAppendInLoop
from memlint.rules.dead_large_temporary import DeadLargeTemporary
from memlint.rules.deepcopy_in_loop import DeepcopyInLoop
from memlint.rules.definition_in_loop import DefinitionInLoop
from memlint.rules.dumps_then_write import DumpsThenWrite
from memlint.rules.list_as_queue import ListAsQueue
from memlint.rules.loads_of_read import LoadsOfRead
from memlint.rules.loop_invariant_allocation import LoopInvariantAllocation
from memlint.rules.materialized_count import MaterializedCount
from memlint.rules.materialized_first_element import MaterializedFirstElement
from memlint.rules.materialized_loop_iterable import MaterializedLoopIterable
from memlint.rules.mutated_default_argument import MutatedDefaultArgument
from memlint.rules.nested_def_in_hot_function import NestedDefInHotFunction
from memlint.rules.out_of_place_array_update import OutOfPlaceArrayUpdate
from memlint.rules.pickle_large_container import PickleLargeContainer
from memlint.rules.quadratic_concat_in_loop import QuadraticConcatInLoop
from memlint.rules.quadratic_list_sum import QuadraticListSum
from memlint.rules.readlines_iteration import ReadlinesIteration
from memlint.rules.reassign_without_del import ReassignWithoutDel
from memlint.rules.redundant_copy import RedundantCopy
from memlint.rules.slice_copy_iteration import SliceCopyIteration
from memlint.rules.slotless_data_class import SlotlessDataClass
from memlint.rules.stored_exception import StoredException
from memlint.rules.stored_frame import StoredFrame
from memlint.rules.unbounded_module_cache import UnboundedModuleCache
from memlint.rules.whole_file_split import WholeFileSplit

ALL_RULES = (
    ComprehensionInReducer,
    MaterializedLoopIterable,
    ReadlinesIteration,
    WholeFileSplit,
    MaterializedCount,
    MaterializedFirstElement,
    RedundantCopy,
    ArrayFromList,
    SliceCopyIteration,
    DefinitionInLoop,
    NestedDefInHotFunction,
    LoopInvariantAllocation,
    DeepcopyInLoop,
    ArrayAppendInLoop,
    DataframeAppendInLoop,
    QuadraticConcatInLoop,
    ListAsQueue,
    AppendThenArray,
    QuadraticListSum,
    ReassignWithoutDel,
    OutOfPlaceArrayUpdate,
    DeadLargeTemporary,
    DumpsThenWrite,
    LoadsOfRead,
    PickleLargeContainer,
    CachedInstanceMethod,
    UnboundedModuleCache,
    MutatedDefaultArgument,
    StoredException,
    StoredFrame,
    SlotlessDataClass,
)
