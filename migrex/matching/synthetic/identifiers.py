"""The numbers of the synthetic registries: valid Kazakhstan IINs and Belarus identification
numbers (from the birth date and sex), passport numbers in each country's format."""

from __future__ import annotations

import numpy as np
import pandas as pd

PASSPORT = {"KAZ": ("N", 8), "BLR": ("MP", 7), "ARM": ("AR", 7), "RUS": ("", 9)}


def _iin(rng: np.random.Generator, born: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Kazakhstan IINs: YYMMDD, the century-and-sex digit, a serial, the check digit."""
    parts = pd.DatetimeIndex(born)
    digits = np.zeros((len(born), 12), dtype=np.int64)
    for at, value in enumerate((parts.year % 100, parts.month, parts.day)):
        digits[:, 2 * at] = np.asarray(value) // 10
        digits[:, 2 * at + 1] = np.asarray(value) % 10
    digits[:, 6] = np.where(np.asarray(parts.year) >= 2000, 5, 3) + female
    serial = rng.integers(0, 10_000, len(born))
    pending = np.ones(len(born), dtype=bool)
    while pending.any():
        for at in range(4):
            digits[pending, 7 + at] = serial[pending] // 10 ** (3 - at) % 10
        first = digits[:, :11] @ np.arange(1, 12) % 11
        second = digits[:, :11] @ np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
        digits[:, 11] = np.where(first != 10, first, second)
        pending = (first == 10) & (second == 10)  # no valid check digit: take the next serial
        serial = (serial + 1) % 10_000
    return _strings(digits + ord("0"))


def _belarus_id(rng: np.random.Generator, born: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Belarus identification numbers: century and sex, DDMMYY, region, serial, PB, check."""
    parts = pd.DatetimeIndex(born)
    codes = np.zeros((len(born), 14), dtype=np.int64)
    codes[:, 0] = np.where(np.asarray(parts.year) >= 2000, 5, 3) + female + ord("0")
    for at, value in enumerate((parts.day, parts.month, parts.year % 100)):
        codes[:, 1 + 2 * at] = np.asarray(value) // 10 + ord("0")
        codes[:, 2 + 2 * at] = np.asarray(value) % 10 + ord("0")
    codes[:, 7] = np.frombuffer(b"ABCEHKM", dtype=np.uint8)[rng.integers(0, 7, len(born))]
    serial = rng.integers(0, 1000, len(born))
    for at in range(3):
        codes[:, 8 + at] = serial // 10 ** (2 - at) % 10 + ord("0")
    codes[:, 11], codes[:, 12] = ord("P"), ord("B")
    values = np.where(codes[:, :13] >= ord("A"), codes[:, :13] - ord("A") + 10, codes[:, :13] - 48)
    codes[:, 13] = values @ np.resize([7, 3, 1], 13) % 10 + ord("0")
    return _strings(codes)


def _strings(codes: np.ndarray) -> np.ndarray:
    width = codes.shape[1]
    return codes.astype(np.uint8).view(f"S{width}").ravel().astype(f"U{width}").astype(object)


def _passports(rng: np.random.Generator, citizenship: np.ndarray) -> np.ndarray:
    out = np.empty(len(citizenship), dtype=object)
    for country, (prefix, digits) in PASSPORT.items():
        rows = np.flatnonzero(citizenship == country)
        numbers = rng.integers(0, 10**digits, len(rows))
        out[rows] = [f"{prefix}{n:0{digits}d}" for n in numbers.tolist()]
    return out
