from models.core import codes


def test_short_and_long_forms_map_to_national_codes():
    assert codes.lookup("ethnicity", "汉") == "01"
    assert codes.lookup("ethnicity", "汉族") == "01"
    assert codes.lookup("ethnicity", "回族") == "03"
    assert codes.lookup("relation", "长子") == "22"
    assert codes.lookup("relation", "儿媳") == "38"
    assert codes.lookup("relation", "2") == "02"
    assert codes.lookup("education", "大专") == "30"
    assert codes.lookup("marital_status", "已婚") == "20"
    assert codes.lookup("political_status", "党员") == "01"
    assert codes.lookup("ethnicity", "火星族") is None


def test_every_table_has_56_ethnic_groups_and_names():
    assert len([c for c in codes.codes("ethnicity") if int(c) <= 56]) == 56
    assert codes.name("sex", "2") == "女"
    assert codes.name("relation", "02") == "户主"
