"""The words of "you said, we did" (``evidence.community``): what a brief found, told back
in short plain sentences. Pure functions, no database."""

from typing import Any

from evidence.community import (
    ACTIONS_MAX,
    TOLD_MAX,
    WORDS_MAX,
    Action,
    actions,
    short,
    told,
    told_sentence,
)


# The engine's shapes are TypedDicts (``evidence.sections``); these are built by hand.
def _finding(kind: str, text: str) -> Any:
    return {"kind": kind, "text": text, "evidence": [1]}


def _section(question: int | None, *findings: Any) -> Any:
    return {"question": question, "findings": list(findings)}


def test_a_quote_is_told_back_as_what_people_said_and_a_gap_is_not_told():
    working = _finding("working", "What works: “They listened.” 3 of the 4 pieces say it.")
    not_working = _finding("not_working", "What is not working: “The bus is late”")
    gap = _finding("gap", "Nothing here says what is not working yet. Ask about it next period.")

    assert told_sentence(working) == "You told us this works: “They listened.”"
    assert told_sentence(not_working) == "You told us this is not working: “The bus is late.”"
    assert told_sentence(gap) is None


def test_a_figure_is_told_in_plainer_words():
    figure = _finding("figure", "Visits fell from 51 to 44.5 visits since the last period.")
    baseline = _finding("figure", "Visits rose from 3 to 4 visits, compared with the baseline.")

    assert told_sentence(figure) == "Visits fell from 51 to 44.5 visits since last time."
    assert (
        told_sentence(baseline) == "Visits rose from 3 to 4 visits, compared with when we started."
    )


def test_quotes_come_before_figures_repeats_are_dropped_and_only_a_handful_is_told():
    quote = _finding("working", "What works: “Come back soon.”")
    figures = [_finding("figure", f"Visits rose to {n}.") for n in range(10)]
    overall = _section(None, _finding("working", "Across 2 research questions, 5 say “so”."))

    sentences = told([overall, _section(1, *figures[:3], quote, quote), _section(2, *figures[3:])])

    assert sentences[0] == "You told us this works: “Come back soon.”"
    assert len(sentences) == TOLD_MAX
    assert "research questions" not in " ".join(sentences)


def test_the_whole_partnership_is_used_when_no_question_has_findings():
    overall = _section(None, _finding("mixed", "Mixed results: “Some days are good.”"))

    assert told([overall, _section(1)]) == ["Some of you felt two ways: “Some days are good.”"]


def test_long_words_are_cut_to_the_first_sentence_and_a_few_words():
    long = " ".join(["word"] * 60)

    assert short("We opened on Saturdays. Then we added Sundays.") == "We opened on Saturdays."
    assert short("It cost £3.50 a week. More later.") == "It cost £3.50 a week."
    assert short(long) == " ".join(["word"] * WORDS_MAX) + "…"


def test_actions_are_sentences_without_repeats_and_at_most_a_few():
    rows = [Action(id=n % 4, who="Riverside", text="Open later", outcome="") for n in range(8)]

    kept = actions(rows)

    assert [a.id for a in kept] == [0, 1, 2][:ACTIONS_MAX]
    assert kept[0].text == "Open later."
    assert kept[0].outcome == ""
