"""Scenario and country configuration: YAML -> validated models."""
