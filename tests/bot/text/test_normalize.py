from __future__ import annotations

import pytest

from bot.text.markup import strip_markup
from bot.text.normalize import Stemmers, clean, content_words, fold_accents, tokenize


@pytest.mark.parametrize(
    ("raw", "kept", "gone"),
    [
        ("<@U024BE7LH> my client won't pay", "my client won't pay", "U024BE7LH"),
        ("<!channel> help, <!here> too <!everyone>", "help", "channel"),
        ("see <https://example.com/invoice|the invoice> please", "the invoice", "example.com"),
        ("check https://example.com/x?y=1 now", "check", "example.com"),
        ("so angry :rage: :face_with_symbols_on_mouth:", "so angry", "rage"),
        ("the `div` is off ```code block\nmore``` ok", "ok", "code block"),
        ("<@!80351110224678912> and <#123456> and <:blob:1234567>", "and", "80351110224678912"),
        ("*bold* _it_ ~strike~ > quote", "bold it strike quote", "*"),
        ("@everyone look", "look", "everyone"),
    ],
)
def test_strip_markup_removes_chat_syntax(raw: str, kept: str, gone: str) -> None:
    out = " ".join(strip_markup(raw).split())
    assert kept in out
    assert gone not in out


def test_clean_folds_case_and_squeezes_repeats() -> None:
    assert clean("PLEASE HELP!!!!! sooooo late") == "please help!! soo late"


def test_tokenize_splits_catalan_apostrophes_and_hyphens() -> None:
    assert tokenize("l'advocat d'en joan vol dir-ho") == ["l", "advocat", "d", "en", "joan", "vol", "dir", "ho"]


def test_fold_accents_keeps_letters() -> None:
    assert fold_accents("pàgina cliente está päivää niño") == "pagina cliente esta paivaa nino"


def test_content_words_drop_stopwords_of_every_language() -> None:
    words = content_words(tokenize("the client no me paga la factura ja asiakas ei maksa"))
    assert words == ["client", "paga", "factura", "asiakas", "maksa"]


def test_content_words_keep_numbers() -> None:
    assert "60" in content_words(tokenize("unpaid for 60 days"))


@pytest.mark.parametrize(
    ("lang", "a", "b"),
    [
        ("en", "payments", "payment"),
        ("en", "revisions", "revision"),
        ("es", "facturas", "factura"),
        ("ca", "factures", "factura"),
        ("fi", "laskuja", "lasku"),
    ],
)
def test_stemming_conflates_inflections(lang: str, a: str, b: str) -> None:
    stemmers = Stemmers()
    assert stemmers.stem(lang, a) == stemmers.stem(lang, b)


def test_stems_are_accent_folded() -> None:
    assert Stemmers().stem("es", "pagué") == Stemmers().stem("es", "pague")
