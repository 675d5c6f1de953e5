from certificates.codes import (
    CODE_LENGTH,
    verification_code_display,
    verification_code_new,
    verification_code_normalise,
)
from certificates.selectors import masked_name


def test_codes_are_long_random_and_typeable():
    codes = {verification_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH for code in codes)
    assert CODE_LENGTH * 5 >= 128
    assert not any(set(code) & set("ILOU") for code in codes)


def test_typed_codes_are_normalised():
    code = verification_code_new()
    shown = verification_code_display(code)
    assert shown.count("-") == 6
    assert verification_code_normalise(shown.lower()) == code
    assert verification_code_normalise(" ab-cd ") == "ABCD"
    assert verification_code_normalise("OIL") == "011"


def test_names_are_masked():
    assert masked_name("张晓明") == "张*明"
    assert masked_name("李明") == "李*"
    assert masked_name("欧阳建国") == "欧**国"
    assert masked_name("王") == "王"
