from dataclasses import dataclass


@dataclass
class OfficialRow:
    """One official read from an onboarding file, checked for form but not yet against the database."""

    line: int  # spreadsheet row number as the user sees it (header is row 1)
    employee_id: str
    full_name: str
    unit_path: str = ""  # e.g. 省直属机关/省委网信办/网络舆情处 (either this or unit_code)
    unit_code: str = ""  # e.g. WXB-YQC
    position: str = ""
    rank: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class UnitRow:
    """One org unit read from a units file."""

    line: int
    code: str
    name: str
    parent_path: str = ""  # the parent's full path, or
    parent_code: str = ""  # the parent's code; both empty for a top-level unit
