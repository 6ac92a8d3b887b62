"""The check characters of 统一社会信用代码 (GB 32100-2015) and 身份证号 (GB 11643-1999)."""

from __future__ import annotations

import pytest

from server.inspections.identifiers import (
    credit_code_valid,
    id_number_valid,
    identifier_problem,
    is_person,
)

# Codes of real companies, as printed on their business licences and in the national
# enterprise credit information publicity system.
REAL_CREDIT_CODES = [
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91440300708461136T",  # 华为技术有限公司
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_pass_and_any_one_character_changed_fails(code):
    assert credit_code_valid(code) and identifier_problem(code) is None
    assert not is_person(code)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(18):
        for other in alphabet:
            if other != code[position]:
                changed = code[:position] + other + code[position + 1 :]
                assert not credit_code_valid(changed), changed


def test_letters_outside_the_standard_alphabet_are_refused():
    assert not credit_code_valid("91110000802100433I")
    assert not credit_code_valid("91110000802100433b")  # the caller upper-cases first


def test_an_id_number_with_its_mod_11_2_check_is_a_person():
    assert id_number_valid("11010519491231002X")  # GB 11643-1999's own example
    assert is_person("11010519491231002X")
    assert not id_number_valid("110105194912310029")
    assert "check character" in identifier_problem("110105194912310029")
    assert "18 characters" in identifier_problem("9111000080210043")
