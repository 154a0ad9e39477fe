"""Near-duplicate reports: the same wire copy published by several outlets.

Each report gets a MinHash signature over its word shingles (datasketch); an LSH index
finds the stored first copies whose estimated Jaccard similarity passes the threshold.
Signatures are stored with the reports, so the index is rebuilt from the store (and
topped up with what other processes added) instead of re-reading every text.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5            # words per shingle
THRESHOLD = 0.6        # estimated Jaccard of shingle sets above which two reports are one copy
SCHEME = "affine32"    # datasketch's hashing scheme: stored signatures depend on it
_WORD = re.compile(r"\w+", re.U)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Overlapping k-word shingles of the casefolded text (one shingle for a short text)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= k:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash:
    m = MinHash(num_perm=num_perm, scheme=SCHEME, permutations=_permutations(num_perm))
    m.update_batch(list(shingles(text)))
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return MinHash(hashvalues=values, scheme=SCHEME, permutations=_permutations(len(values)))


@lru_cache(maxsize=4)
def _permutations(num_perm: int):
    """datasketch's permutations for the default seed, drawn once rather than per signature."""
    return MinHash(num_perm=num_perm, scheme=SCHEME).permutations


class DupIndex:
    """An LSH index of first copies: ``find(sig)`` gives the id of the copy ``sig`` repeats."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.sigs: dict[int, MinHash] = {}
        self.last = 0                       # highest store id loaded

    @classmethod
    def from_store(cls, store, **kwargs) -> "DupIndex":
        index = cls(**kwargs)
        index.refresh(store)
        return index

    def refresh(self, store) -> int:
        """Load the signatures stored since the last refresh (e.g. by another ingest); how many."""
        n = 0
        for report_id, data in store.signatures(after=self.last):
            sig = from_bytes(data)
            if len(sig.hashvalues) == self.num_perm:
                self.add(report_id, sig)
                n += 1
            self.last = max(self.last, report_id)
        return n

    def add(self, key: int, sig: MinHash) -> None:
        if key not in self.sigs:
            self.lsh.insert(key, sig)
            self.sigs[key] = sig
        if isinstance(key, int):
            self.last = max(self.last, key)

    def find(self, sig: MinHash) -> int | None:
        """The earliest indexed copy similar enough to ``sig``, or None."""
        hits = [k for k in self.lsh.query(sig) if self.sigs[k].jaccard(sig) >= self.threshold]
        return min(hits) if hits else None

    def __len__(self) -> int:
        return len(self.sigs)
