"""Measured memory: the bytes a real run held, joined to the findings on the lines that held them.

Need X → call Y:
- read a profile file (tracemalloc snapshot, memray capture, Scalene JSON) → `read_profile`
- attach its bytes to findings, filter and sort them, sum up → `measure`
- run a program under tracemalloc and keep the snapshot at its peak → `profiling_command`

This is the one part of memlint that reads profiles (I/O) and, through `memlint profile`, runs
the user's code; the engine and the rules never see a profile.
"""

from __future__ import annotations

from memlint.profiles.attribution import LineBytes, Measured, PathMatcher, measure
from memlint.profiles.readers import PROFILE_KINDS, Profile, ProfileError, read_profile
from memlint.profiles.run import profiling_command

__all__ = [
    "PROFILE_KINDS",
    "LineBytes",
    "Measured",
    "PathMatcher",
    "Profile",
    "ProfileError",
    "measure",
    "profiling_command",
    "read_profile",
]
