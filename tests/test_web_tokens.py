"""Seat tokens and codes: a genuine token of this game passes; an edited, foreign or junk one does not."""

from __future__ import annotations

import base64
import json

from negotiation.web import tokens

SECRET = b"s" * 32
ISSUED = 1_800_000_000.0  # a fixed signing time, so the tests read tokens at chosen moments


def _pass(**changes) -> tokens.Pass:
    fields = {"game": "g1", "player": "p7", "seats": ("US", "JP"), "name": "Team blue", "issued": ISSUED, **changes}
    return tokens.Pass(**fields)


def test_a_signed_pass_reads_back_whole_for_a_day():
    token = tokens.sign(SECRET, _pass())
    assert tokens.verify(SECRET, token, "g1", now=ISSUED + 60) == _pass()
    assert tokens.verify(SECRET, token, "g1", now=ISSUED + tokens.TOKEN_TTL) == _pass()
    assert tokens.verify(SECRET, token, "g1", now=ISSUED + tokens.TOKEN_TTL + 1) is None


def test_a_token_of_another_game_or_under_another_secret_is_refused():
    token = tokens.sign(SECRET, _pass())
    assert tokens.verify(SECRET, token, "g2", now=ISSUED) is None
    assert tokens.verify(b"t" * 32, token, "g1", now=ISSUED) is None


def test_an_edited_payload_is_refused_even_when_well_formed():
    body, mac = tokens.sign(SECRET, _pass()).split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["s"] = ["US", "JP", "CN"]  # claim one more seat
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
    assert tokens.verify(SECRET, f"{forged}.{mac}", "g1", now=ISSUED) is None


def test_junk_is_refused_without_an_exception():
    for junk in (None, "", "no-dot", "a.b.c", "!!!.???", "x" * 3000, "e30.AAAA"):
        assert tokens.verify(SECRET, junk, "g1") is None


def test_join_codes_avoid_characters_read_alike():
    codes = {tokens.new_join_code() for _ in range(200)}
    assert all(len(c) == tokens.JOIN_LENGTH for c in codes)
    assert not set("".join(codes)) & set("01OIL")
    assert len(codes) > 190  # random, not a counter or a constant


def test_secrets_compare_only_when_equal():
    assert tokens.same("abc", "abc")
    assert not tokens.same("abd", "abc")
    assert not tokens.same(None, "abc")
