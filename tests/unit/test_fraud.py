from decimal import Decimal

from oms_desktop.policies import fraud

CONFIG = fraud.FraudConfig()


def facts(**overrides) -> fraud.FraudFacts:
    values = dict(total=Decimal(80), ship_country="US", billing_country="US",
                  email="ann.lee@example.com", service="Ground", previous_orders=4,
                  previous_average=Decimal(70))
    values.update(overrides)
    return fraud.FraudFacts(**values)


def test_an_ordinary_repeat_order_scores_zero():
    screening = fraud.screen(facts(), CONFIG)
    assert screening.score == 0 and not screening.needs_review
    assert screening.explain().endswith("no signal")


def test_a_risky_first_order_is_held_with_every_signal_explained():
    screening = fraud.screen(facts(total=Decimal(900), billing_country="GB", previous_orders=0,
                                   previous_average=None, service="FedEx Overnight",
                                   email="xkcd93817@mailinator.com"), CONFIG)
    names = {s.name for s in screening.signals}
    assert names == {"country_mismatch", "first_order_high_value", "expedited_first_order",
                     "risky_email"}
    assert screening.score == 20 + 25 + 20 + 15 and screening.needs_review
    text = screening.explain()
    assert "billing country GB differs from shipping US (+20)" in text
    assert "disposable e-mail domain mailinator.com" in text


def test_value_far_above_the_customers_history_is_a_signal():
    screening = fraud.screen(facts(total=Decimal(500), previous_average=Decimal(40)), CONFIG)
    assert [s.name for s in screening.signals] == ["above_history"]


def test_many_names_at_one_address_is_a_signal():
    assert [s.name for s in fraud.screen(facts(names_at_address=3), CONFIG).signals] == [
        "address_many_names"]
    assert fraud.screen(facts(names_at_address=2), CONFIG).signals == ()


def test_the_channels_own_risk_level_counts():
    assert fraud.screen(facts(risk_level="high"), CONFIG).needs_review
    assert fraud.screen(facts(risk_level="medium"), CONFIG).score == 20
    assert fraud.screen(facts(risk_level="low"), CONFIG).score == 0


def test_weights_and_threshold_come_from_settings():
    config = fraud.FraudConfig.from_settings({"threshold": 10,
                                              "weights": {"country_mismatch": 15}})
    screening = fraud.screen(facts(billing_country="CA"), config)
    assert screening.score == 15 and screening.needs_review
    silenced = fraud.FraudConfig.from_settings({"weights": {"country_mismatch": 0}})
    assert fraud.screen(facts(billing_country="CA"), silenced).signals == ()


def test_risky_email_patterns():
    assert fraud.risky_email("ann.lee@example.com") is None
    assert fraud.risky_email(None) is None
    assert "many digits" in fraud.risky_email("bob19283746@example.com")
    assert "looks random" in fraud.risky_email("qwrtzpxkdl@example.com")
    assert "malformed" in fraud.risky_email("not-an-address")
