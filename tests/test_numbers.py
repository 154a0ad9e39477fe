"""French numbers in digits and words (sitroom.numbers), table-driven."""
import pytest

from sitroom import numbers

PARSED = [
    (["15.000"], 15000, False),
    (["2.122"], 2122, False),
    (["15", "000"], 15000, False),
    (["1", "200", "000"], 1200000, False),
    (["2,6", "millions"], 2600000, False),
    (["1,2", "million"], 1200000, False),
    (["deux", "mille"], 2000, False),
    (["deux", "cent", "mille"], 200000, False),
    (["vingt", "et", "un"], 21, False),
    (["vingt-quatre"], 24, False),
    (["seize"], 16, False),
    (["trois", "millions"], 3000000, False),
    (["un", "million"], 1000000, False),
    (["une", "vingtaine"], 20, True),
    (["une", "dizaine"], 10, True),
    (["un", "millier"], 1000, True),
    (["le", "millier"], 1000, True),
    (["une", "cinquantaine"], 50, True),
]

NOT_NUMBERS = [["dizaines"], ["centaines"], ["milliers"], ["millions"], ["personnes"], ["et"], [], ["15", "00"]]


@pytest.mark.parametrize("words,value,approx", PARSED, ids=[" ".join(w) for w, _, _ in PARSED])
def test_parse(words, value, approx):
    assert numbers.parse(words, "fr") == (value, approx)


@pytest.mark.parametrize("words", NOT_NUMBERS, ids=[" ".join(w) or "empty" for w in NOT_NUMBERS])
def test_not_a_number(words):
    assert numbers.parse(words, "fr") is None


@pytest.mark.parametrize("text,value", [("15.000", 15000), ("6,8", 6.8), ("1 200", 1200), ("2.600", 2600),
                                        ("350\u00a0000", 350000)])
def test_digits_value(text, value):
    assert numbers.digits_value(text, "fr") == value


def test_vague_plural():
    assert numbers.is_vague("dizaines", "fr") and not numbers.is_vague("dizaine", "fr")
