"""The date family's stages: sources per notation and language, normalise, validate, ranges,
and the per-field selections (issue, delivery, due with the terms' implied due date, period)."""

from __future__ import annotations

from cosy.domain import FieldValue, Mention
from cosy.steps.fields.dates import cues as date_cues
from cosy.steps.fields.dates import select as date_select
from cosy.steps.fields.dates import sources as date_sources
from cosy.steps.fields.dates import stages as dates
from tests.stages import date_context
from tests.unit.test_fields_normalize import make_lines


def _cues(context: list[Mention]) -> list[list[str]]:
    return date_cues.date_cues(context, *(date_cues.cues_in(context, lang)
                                          for lang in ("de", "en", "fr")))


def _values(rows: list[str | list[str]]) -> list[str]:
    return [m.value for m in date_context(make_lines(rows))]


def test_each_source_reads_its_own_notation() -> None:
    lines = make_lines(["Datum 05.03.2024", "Date 2024-03-06", "am 7. März 2024",
                        "on March 8, 2024", "le 9 mars 2024", "Date 10/03/2024",
                        "Date 11-03-2024"])
    found = {src.__name__: [h.line for h in src(lines)] for src in date_sources.SOURCES}
    assert found == {"dotted_dates": [0], "iso_dates": [1], "german_text_dates": [2],
                     "english_text_dates": [3], "french_text_dates": [4], "slashed_dates": [5],
                     "dashed_dates": [6]}


def test_textual_dates_in_three_languages() -> None:
    assert _values(["Lieferung am 1. Okt. 2023", "issued 5th March 2024",
                    "Date: 1er août 2023"]) == ["2023-10-01", "2024-03-05", "2023-08-01"]


def test_overlapping_sources_keep_one_reading() -> None:
    # 'Mai' is German and French: both sources match, one date remains
    assert _values(["Paris, le 5 mai 2024"]) == ["2024-05-05"]


def test_validate_keeps_existing_dates_in_plausible_years() -> None:
    hits = date_sources.dotted_dates(make_lines(["30.02.2024 29.02.2024 01.01.1899"]))
    readings = dates.normalise_dates([hits])
    assert [iso for _, iso in dates.validate_dates(readings)] == ["2024-02-29"]


def test_ranges_pair_the_ends_of_a_period() -> None:
    lines = make_lines([["Leistungszeitraum", "01.03.2024 - 31.03.2024"],
                        ["Rechnungsdatum", "02.04.2024"]])
    context = date_context(lines)
    ranges = dates.date_ranges(context, lines)
    assert ranges == [(0, 1)]
    period = date_select.select_period([context], [ranges])
    assert (period["period_start"].value, period["period_end"].value) == (
        "2024-03-01", "2024-03-31")


def test_due_date_is_printed_or_absent_never_computed() -> None:
    rows = [["Rechnungsdatum:", "01.03.2024"], ["Fällig am:", "15.03.2024"]]
    context = date_context(make_lines(rows))
    cues = _cues(context)
    issue = date_select.select_issue_date([context], [cues], [[]])
    assert issue["issue_date"].value == "2024-03-01"
    due = date_select.select_due_date([context], [cues], [[]], issue, {}, "2024-03-15")
    assert due["due_date"].value == "2024-03-15"
    plain = date_select.select_due_date([context], [cues], [[]], issue, {}, None)
    assert due["due_date"].confidence > plain["due_date"].confidence  # the terms agree
    # terms alone (14 days) imply 2024-03-15, but no due date is printed: none is emitted
    only_issue = date_context(make_lines([rows[0]]))
    assert date_select.select_due_date([only_issue], [_cues(only_issue)], [[]], issue,
                                       {}, "2024-03-15") == {}


def test_delivery_never_takes_the_issue_dates_mention() -> None:
    rows = [["Datum", "05.03.2018"]]
    context = date_context(make_lines(rows))
    probs = [{"issue_date": 0.6, "delivery_date": 0.9, "due_date": 0.0, "other": 0.0}]
    issue = {"issue_date": FieldValue("issue_date", "2018-03-05", 0.6, 1, context[0].bbox,
                                      context[0].span)}
    assert date_select.select_delivery_date([context], [_cues(context)], [probs],
                                            issue) == {}


def test_each_language_lexicon_names_its_roles() -> None:
    rows = [["Rechnungsdatum:", "05.03.2018"], ["Due date:", "30.03.2018"],
            ["Date de livraison :", "01.03.2018"], ["Skonto bis", "15.03.2018"]]
    context = date_context(make_lines(rows))
    german = [label for label, _ in date_cues.german_date_cues(context)]
    assert german == [{"issue", "issue_weak"}, set(), set(), {"not_a_role", "deadline"}]
    english = [label for label, _ in date_cues.english_date_cues(context)]
    assert english[1] == {"due", "issue_weak"}
    french = [label for label, _ in date_cues.french_date_cues(context)]
    assert french[2] == {"delivery", "issue_weak"}
    assert _cues(context) == [["issue_date"], ["due_date"], ["delivery_date"], []]


def test_month_names_with_two_digit_years_and_dashes() -> None:
    assert _values(["28 Mar 18 18:32:36", "22-Dec-2017", "Lieferung 5-Mär-24"]) == [
        "2018-03-28", "2017-12-22", "2024-03-05"]
    assert _values(["28 Mar 18:32"]) == []  # the hour of a time is no year
    assert _values(["Sept. 5, 2024", "le 3 janv. 2024", "am 2. Febr. 2024"]) == [
        "2024-09-05", "2024-01-03", "2024-02-02"]


def test_dashed_and_year_first_dates() -> None:
    assert _values(["Date 22-12-2017", "Bill 2017/12/22", "Datum 2018.03.12"]) == [
        "2017-12-22", "2017-12-22", "2018-03-12"]
    # two-digit years and longer dashed runs are codes and phone numbers more often than dates
    assert _values(["Ref 22-12-17", "Tel 03-3362-4395", "Code 07-12-2020-1"]) == []
    assert _values(["Period 01/01/2024-31/01/2024"]) == ["2024-01-01", "2024-01-31"]
    assert _values(["Date 12-05-2020", "Due 12-25-2020"]) == ["2020-12-05", "2020-12-25"]


def test_slash_order_follows_the_page_then_its_country() -> None:
    assert _values(["Date 07/05/2020"]) == ["2020-05-07"]  # day first outside the US
    assert _values(["Date 07/05/2020", "Mountain View, CA 94043"]) == ["2020-07-05"]
    assert _values(["Date 07/05/2020", "LOS GATOS (408) 356-3757"]) == ["2020-07-05"]
    # a US address on a page with VAT (a UK invoice to a US customer) is no US page
    assert _values(["Date 07/05/2020", "Mountain View, CA 94043", "VAT Reg. No. GB232042011"]) \
        == ["2020-05-07"]
    # one date that can only be day first decides for the page, whatever its country
    assert _values(["Date 07/05/2020", "Due 25/05/2020", "Mountain View, CA 94043"]) == [
        "2020-05-07", "2020-05-25"]
    assert _values(["Date : 22/12/2017 14:03"]) == ["2017-12-22"]


def test_the_only_date_of_a_receipt_is_its_issue_date() -> None:
    rows = [*[f"Item {i}\t{i}.00" for i in range(1, 30)],
            "Tax Invoice : BAT02201803120255\t12/03/18"]
    lines = make_lines(rows)
    found = date_context(lines)
    assert [m.value for m in found] == ["2018-03-12"] and found[0].y > 0.4
    issue = date_select.pick_issue(date_select.DateEvidence(found, _cues(found)))
    assert issue is not None and issue.value == "2018-03-12"
    # two different dates, or the one date labelled otherwise, name no issue date by themselves
    for extra in (["Expires 12/04/18"], []):
        other = make_lines([*rows[:-1], "Valid until 12/03/18", *extra])
        found = date_context(other)
        assert date_select.pick_issue(date_select.DateEvidence(found, _cues(found))) is None


def test_date_role_words_as_ocr_misreads_them() -> None:
    found = date_context(make_lines([["Involce Date:", "05.03.2024"]]))
    assert _cues(found) == [["issue_date"]]


def test_a_direct_debit_date_is_the_due_date() -> None:
    rows = [["Rechnungsdatum:", "19.01.2016"], "Der Betrag wird am 22.01.2016 abgebucht.",
            "Le montant de 62,86€ sera prélevé le 28/12/2022",
            ["Mandatsdatum:", "01.01.2015"], "Your account will be debited on 5 March 2024"]
    found = date_context(make_lines(rows))
    assert _cues(found) == [["issue_date"], [], ["due_date"], [], ["due_date"]]
