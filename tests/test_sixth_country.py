"""A sixth country is one more YAML file named in a scenario: no code change."""

from negotiation import run

INDIA = """\
id: IN
name: India
description: Quad partner joining the allied effort (F13).
resources: {processing_share: 0.01, demand_share: 0.05}
instruments:
  tariffs: {US: 0.10, CN: 0.10}
  trade_exposure: {US: 10.0, CN: 10.0}
preferences: {patience: 0.9}
strategy: {name: generous_tit_for_tat}
pledges:
  - {id: IN1, to: US, instrument: investment, level: 1.0, end: 36, cost: 0.08, value: 0.05, source: F13}
sources:
  resources.processing_share: P3
  resources.demand_share: "model: fixture"
"""

SCENARIO = """\
name: quad_plus
turns: 24
countries:
  US: {profile: us}
  CN: {profile: china}
  JP: {profile: japan}
  AU: {profile: australia}
  EU: {profile: eu}
  IN: {profile: ./india.yaml}
"""


def test_india_joins_from_one_yaml_file(write):
    write("india.yaml", INDIA)
    path = write("quad_plus.yaml", SCENARIO)
    result = run(path)
    assert list(result.totals) == ["US", "CN", "JP", "AU", "EU", "IN"]
    assert result.compliance.loc["IN1"].notna().all()
    assert "total.IN" in result.timeline.columns
    assert result.totals["IN"] != 0
