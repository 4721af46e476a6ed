"""Ids as 64-bit fingerprints: how the reader tells a copy of an id from a new one in 8 bytes an id.

The fingerprints are kept in sorted arrays, one per range of values (the top four bits), so that
each array is sorted and searched on its own and memory stays flat while they grow. They must be the
same in every process (the tally cache keeps them): Python's ``hash`` of a string is not.
"""

from __future__ import annotations

import operator
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import pairwise, repeat

_BUCKETS = 16
_BOUNDS = [i << 60 for i in range(1, _BUCKETS)]


def id_hashes(ids: Iterable[str]) -> list[int]:
    """A 64-bit fingerprint of each id, the same in every process (CRC-32 and Adler-32 side by side),
    so that the fingerprints a cache keeps still match the next run's. Computed in C."""
    encoded = list(map(str.encode, ids))
    return list(
        map(operator.or_, map(operator.lshift, map(zlib.crc32, encoded), repeat(32)), map(zlib.adler32, encoded))
    )


def spread(values: list[int], into: list[array[int]]) -> None:
    values.sort()
    at = 0
    for bucket, bound in enumerate(_BOUNDS):
        end = bisect_left(values, bound, at)
        if end > at:
            into[bucket].extend(values[at:end])
        at = end
    if at < len(values):
        into[-1].extend(values[at:])


def empty() -> list[array[int]]:
    return [array("Q") for _ in range(_BUCKETS)]


def contains(hashes: list[array[int]], h: int) -> bool:
    bucket = hashes[(h >> 60) % len(hashes)] if hashes else array("Q")
    i = bisect_left(bucket, h)
    return i < len(bucket) and bucket[i] == h


def collisions(old: list[array[int]], new: list[array[int]]) -> frozenset[int]:
    """Fingerprints that came twice: within ``new``, or in ``new`` and ``old`` (a cache's part)."""
    found: set[int] = set()
    for before, now in zip(old, new, strict=True):
        if not now:
            continue
        for a, b in pairwise(sorted(now)):
            if a == b:
                found.add(a)
        if before:
            for h in set(now):
                i = bisect_left(before, h)
                if i < len(before) and before[i] == h:
                    found.add(h)
    return frozenset(found)


def merged(old: list[array[int]], new: list[array[int]]) -> list[array[int]]:
    """Both, sorted bucket by bucket (what a cache keeps)."""
    return [array("Q", sorted(before + now)) if now else before for before, now in zip(old, new, strict=True)]
