"""How long discovery should take: each factor of complexity adds time, and says so."""

from partnerships.services import Complexity, discovery_recommendation


def complexity(**overrides: object) -> Complexity:
    values: dict[str, object] = {
        "duration_years": 1,
        "partner_count": 2,
        "workstream_count": 1,
        "differing_aims": False,
        "power_imbalance": False,
    }
    values.update(overrides)
    return Complexity(**values)  # type: ignore[arg-type]


def test_simple_work_gets_the_base_two_weeks_with_a_reason_for_each_factor():
    recommendation = discovery_recommendation(complexity())

    assert recommendation.weeks == 2
    assert recommendation.reasons == [
        "Every discovery needs about 2 weeks to meet the parties and agree who the learning "
        "is for.",
        "The work runs for a year or less, which adds no time.",
        "With 2 partners, hearing from everyone adds no time.",
        "There is a single workstream, which adds no time.",
    ]


def test_each_factor_adds_time_on_its_own():
    base = discovery_recommendation(complexity()).weeks

    assert discovery_recommendation(complexity(duration_years=2)).weeks == base + 1
    assert discovery_recommendation(complexity(partner_count=4)).weeks == base + 1
    assert discovery_recommendation(complexity(partner_count=7)).weeks == base + 2
    assert discovery_recommendation(complexity(workstream_count=3)).weeks == base + 2
    assert discovery_recommendation(complexity(differing_aims=True)).weeks == base + 2
    assert discovery_recommendation(complexity(power_imbalance=True)).weeks == base + 2


def test_one_partner_is_singular():
    reasons = discovery_recommendation(complexity(partner_count=1)).reasons

    assert "With 1 partner, hearing from everyone adds no time." in reasons


def test_very_complex_work_is_capped_with_advice_to_phase_it():
    recommendation = discovery_recommendation(
        complexity(
            duration_years=10,
            partner_count=100,
            workstream_count=20,
            differing_aims=True,
            power_imbalance=True,
        )
    )

    # 2 + 3 (years, capped) + 4 (partners, capped) + 3 (workstreams, capped) + 2 + 2 = 16
    assert recommendation.weeks == 12
    assert recommendation.reasons[-1] == (
        "Discovery is capped at 12 weeks (it would otherwise take 16 weeks): consider "
        "running the work in phases."
    )
