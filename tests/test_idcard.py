import datetime as dt

from models.core import idcard


def test_valid_number_gives_birth_date_and_sex():
    number = idcard.make("610627", dt.date(1985, 3, 2), 123)
    result = idcard.check(number)
    assert result.ok, result.message
    assert result.birth_date == dt.date(1985, 3, 2)
    assert result.sex == "1"  # 17th digit 3 is odd


def test_check_character_error_names_the_expected_one():
    number = idcard.make("610627", dt.date(1990, 1, 1), 222)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    result = idcard.check(wrong)
    assert not result.ok
    assert f"应为{number[17]}" in result.message


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    # Find a number whose check character is X.
    number = next(
        n
        for seq in range(1000)
        if (n := idcard.make("610602", dt.date(1979, 8, 15), seq))[-1] == "X"
    )
    messy = (
        " ".join(number[:6])
        + number[6:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        + "x"
    )
    result = idcard.check(messy)
    assert result.ok, result.message
    assert result.number == number


def test_fifteen_digits_convert_to_eighteen():
    eighteen = idcard.make("610627", dt.date(1965, 7, 4), 42)
    fifteen = eighteen[:6] + eighteen[8:17]
    result = idcard.check(fifteen)
    assert result.ok and result.converted_from_15
    assert result.number == eighteen


def test_impossible_date_and_wrong_length_are_reported():
    bad_date = "610627" + "19850230" + "123"
    result = idcard.check(bad_date + idcard.check_char(bad_date))
    assert not result.ok and "不是有效日期" in result.message
    assert "长度" in idcard.check("61062719850302").message


def test_mask_keeps_prefix_and_last_four():
    assert idcard.mask("610627198503021234") == "6106**********1234"
    assert idcard.mask("") == ""
