import io
import random
import zipfile

import pytest
from openpyxl import Workbook

from django.utils import translation

from records.onboarding.parse import parse_officials_file, parse_units_file
from records.onboarding.write import officials_template_csv, officials_template_xlsx, units_template_xlsx
from tests.records import OFFICIAL_HEADER, csv_file, xlsx_file


def parse_en(filename, data):
    with translation.override("en"):
        return parse_officials_file(filename=filename, data=data)


def only_error(result):
    officials, errors = result
    assert officials == [] and len(errors) == 1
    return errors[0].line, errors[0].message


@pytest.mark.parametrize("filename", ["人员.docx", "人员.txt", "人员", "人员.xlsx.exe", "人员.xlsm"])
def test_an_unsupported_file_type(filename):
    assert only_error(parse_en(filename, b"data")) == (
        0,
        f"The file “{filename}” is not a supported type. Upload an .xlsx or .csv file.",
    )


def test_an_old_xls_workbook_is_asked_to_be_saved_as_xlsx():
    line, message = only_error(parse_en("人员.XLS", b"\xd0\xcf\x11\xe0"))
    assert line == 0
    assert message.startswith("The file “人员.XLS” is an old Excel 97-2003 workbook (.xls).")


@pytest.mark.parametrize("filename", ["人员.xlsx", "人员.csv"])
def test_a_file_over_5_mb(filename):
    data = b"a" * (5 * 1024 * 1024 + 1)
    assert only_error(parse_en(filename, data)) == (0, "The file is larger than 5 MB.")


@pytest.mark.parametrize("data", [b"", b" \r\n\r\n"])
@pytest.mark.parametrize("filename", ["人员.xlsx", "人员.csv"])
def test_an_empty_file(filename, data):
    assert only_error(parse_en(filename, data)) == (0, "The file is empty.")


def test_a_workbook_with_no_rows_is_empty():
    assert only_error(parse_en("人员.xlsx", xlsx_file([]))) == (0, "The file is empty.")


def test_text_that_is_not_utf8_or_gb18030():
    data = "工号,姓名,单位\n".encode("utf-16")
    line, message = only_error(parse_en("人员.csv", data))
    assert message.startswith("The file is not UTF-8 or GB18030 (GBK) text.")


@pytest.mark.parametrize("data", [b"not a zip file", b"PK\x03\x04broken", officials_template_csv()])
def test_a_file_that_is_not_a_workbook(data):
    assert only_error(parse_en("人员.xlsx", data)) == (
        0,
        "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx in Excel or WPS.",
    )


def test_only_the_first_worksheet_is_read_and_gaps_keep_row_numbers():
    workbook = Workbook()
    first = workbook.active
    first.append(OFFICIAL_HEADER)
    first["A2"], first["B2"], first["C2"] = "GZ1001", "张晓明", "省直属机关"
    first["A7"], first["B7"], first["C7"] = "GZ1002", "", "省直属机关"
    workbook.create_sheet("说明").append(["这里是填表说明", "不会被读取"])
    output = io.BytesIO()
    workbook.save(output)
    officials, errors = parse_en("人员.xlsx", output.getvalue())
    assert [o.employee_id for o in officials] == ["GZ1001"]
    assert [(e.line, e.message) for e in errors] == [(7, "Row 7: 姓名 is empty.")]


def test_a_csv_cell_spanning_lines_counts_as_one_row_as_in_excel():
    rows = [
        OFFICIAL_HEADER,
        ["GZ1001", "张晓明", "省直属机关", "", "科员\n（借调）"],
        ["GZ1002", "", "省直属机关"],
    ]
    officials, errors = parse_en("人员.csv", csv_file(rows))
    assert officials[0].position == "科员 （借调）"  # on one line, as every position is shown
    assert [e.message for e in errors] == ["Row 3: 姓名 is empty."]


def test_a_csv_row_that_cannot_be_read_stops_the_reading_there():
    rows = [
        OFFICIAL_HEADER,
        ["GZ1001", "张晓明", "省直属机关"],
        ["GZ1002", "李" * 200_000, "省直属机关"],
        ["GZ1003"],
    ]
    officials, errors = parse_en("人员.csv", csv_file(rows))
    assert [o.line for o in officials] == [2]
    assert [(e.line, e.message) for e in errors] == [
        (3, "Row 3: the row could not be read as CSV; it and the rows after it were not imported.")
    ]


def test_20000_rows_are_accepted_and_one_more_is_refused():
    rows = [OFFICIAL_HEADER, *([f"GZ{index}", "张晓明", "省直属机关"] for index in range(20_000))]
    officials, errors = parse_en("人员.csv", csv_file([*rows, [], []]))
    assert errors == [] and len(officials) == 20_000
    rows.append(["GZ-extra", "李文静", "省直属机关"])
    assert only_error(parse_en("人员.csv", csv_file(rows))) == (
        0,
        "The file has more than 20000 rows. Split it into smaller files.",
    )


def test_a_units_file_shares_the_file_checks():
    with translation.override("en"):
        units, errors = parse_units_file(filename="单位.pdf", data=b"%PDF")
    assert units == [] and [e.message for e in errors] == [
        "The file “单位.pdf” is not a supported type. Upload an .xlsx or .csv file."
    ]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_mangled_files_never_raise(extension):
    seeds = {"xlsx": [officials_template_xlsx(), units_template_xlsx()], "csv": [officials_template_csv()]}
    alphabet = [*b",\"'/\r\n =+-@\t", *range(256)]
    rng = random.Random(extension)
    for attempt in range(200):
        data = bytearray(rng.choice(seeds[extension]))
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[position] = rng.choice(alphabet)
            else:
                del data[position : position + rng.randint(1, 8)]
        parser = parse_officials_file if attempt % 2 else parse_units_file
        rows, errors = parser(filename=f"f.{extension}", data=bytes(data))
        assert all(isinstance(error.line, int) and error.message for error in errors)
        assert rows or errors


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(*streams):
    """The start of an OLE compound file whose directory names these streams (as Office writes it)."""
    return (
        OLE_MAGIC
        + b"\x00" * 504
        + b"".join(f"{name}\x00".encode("utf-16-le").ljust(64, b"\x00") for name in streams)
    )


@pytest.mark.parametrize("filename", ["人员.csv", "人员.CSV", "人员.xls"])
def test_an_excel_workbook_named_otherwise_is_read_as_the_workbook_it_is(filename):
    rows = [OFFICIAL_HEADER, ["GZ1001", "张晓明", "省直属机关", "", "科员", "", "010-12345678"]]
    officials, errors = parse_en(filename, xlsx_file(rows))
    assert errors == []
    assert [(o.line, o.employee_id, o.full_name, o.phone) for o in officials] == [
        (2, "GZ1001", "张晓明", "010-12345678")
    ]


def test_another_zip_archive_named_csv_is_not_taken_for_text():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("word/document.xml", "<w:document/>")
    assert only_error(parse_en("人员.csv", archive.getvalue())) == (
        0,
        "The file could not be read as an Excel workbook (.xlsx). Save it again as .xlsx in Excel or WPS.",
    )


@pytest.mark.parametrize("filename", ["人员.csv", "人员.xlsx", "人员.xls", "人员.dat", "人员"])
def test_an_old_xls_workbook_under_any_name_is_asked_to_be_saved_as_xlsx(filename):
    line, message = only_error(parse_en(filename, ole_file("Root Entry", "Workbook", "SummaryInformation")))
    assert line == 0
    assert message == (
        f"The file “{filename}” is an old Excel 97-2003 workbook (.xls). "
        "Save it as .xlsx in Excel or WPS and upload it again."
    )


def test_a_word_document_is_not_taken_for_an_old_workbook():
    assert only_error(parse_en("人员.doc", ole_file("Root Entry", "WordDocument", "1Table"))) == (
        0,
        "The file “人员.doc” is not a supported type. Upload an .xlsx or .csv file.",
    )


def test_a_password_protected_workbook_is_asked_to_be_saved_without_the_password():
    data = ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage")
    assert only_error(parse_en("人员.xlsx", data)) == (
        0,
        "The file “人员.xlsx” is protected with a password. Remove the password in Excel or WPS "
        "and upload it again.",
    )
