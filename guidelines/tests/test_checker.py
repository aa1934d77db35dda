from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guidelines import services
from guidelines.checker import Finding, apply_fix, check_caption, has_blocking
from guidelines.models import GuidelineRule, RuleKind
from guidelines.normalize import fold


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


# --- Banned terms ------------------------------------------------------------------


def test_banned_term_is_case_and_diacritic_insensitive_in_lithuanian(world, rule_factory):
    rule = rule_factory(kind=RuleKind.BANNED_TERM, pattern="žąsis", message="Ne apie žąsis.")
    for text in ("Mūsų ŽĄSIS skraido", "musu zasis skraido", "Žąsis!"):
        findings = check_caption(world.a.org, "linkedin", text)
        assert [f.rule_id for f in findings] == [rule.pk], text
        f = findings[0]
        assert text[f.start : f.end].casefold() in ("žąsis", "zasis")
        assert f.message == "Ne apie žąsis."
        assert f.severity == "block"


def test_ascii_term_matches_text_written_with_diacritics(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="zasis")
    findings = check_caption(world.a.org, "linkedin", "Šiandien žąsis.")
    assert len(findings) == 1
    assert findings[0].start == 9 and findings[0].end == 14


def test_banned_term_russian_uppercase_and_yo(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="запрещено")
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="ёлка")
    text = "Это ЗАПРЕЩЕНО! Новая елка и ЁЛКА."
    findings = check_caption(world.a.org, "linkedin", text)
    assert [text[f.start : f.end] for f in findings] == ["ЗАПРЕЩЕНО", "елка", "ЁЛКА"]


def test_russian_short_i_stays_a_letter_of_its_own(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="мой")
    assert check_caption(world.a.org, "linkedin", "мои друзья") == []
    assert len(check_caption(world.a.org, "linkedin", "МОЙ друг")) == 1


def test_estonian_letters_fold(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="õun")
    assert len(check_caption(world.a.org, "linkedin", "Punane OUN ja Õun")) == 2


def test_whole_words_only_not_substrings(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="ass")
    assert check_caption(world.a.org, "linkedin", "A class assignment, passed.") == []
    assert len(check_caption(world.a.org, "linkedin", "what an ass.")) == 1


def test_phrases_match_across_any_whitespace(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="guaranteed   returns")
    text = "Our fund: guaranteed\n  RETURNS for all"
    [finding] = check_caption(world.a.org, "linkedin", text)
    assert text[finding.start : finding.end] == "guaranteed\n  RETURNS"


def test_longer_term_wins_and_prefixes_still_match_elsewhere(world, rule_factory):
    short = rule_factory(kind=RuleKind.BANNED_TERM, pattern="bad")
    long = rule_factory(kind=RuleKind.BANNED_TERM, pattern="bad news")
    findings = check_caption(world.a.org, "linkedin", "bad news, bad day")
    assert [(f.rule_id, f.start, f.end) for f in findings] == [(long.pk, 0, 8), (short.pk, 10, 13)]


def test_terms_starting_with_symbols(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="#ad")
    assert len(check_caption(world.a.org, "linkedin", "Nice #ad here")) == 1
    assert check_caption(world.a.org, "linkedin", "Nice #admin here") == []


def test_spans_map_to_the_original_text_with_expansions_and_combining_marks(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="strasse")
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="sunus")
    decomposed = "s\u0306unus"  # "s" + combining breve, not a precomposed letter
    text = f"Große Straße; {decomposed} šunus."
    findings = check_caption(world.a.org, "linkedin", text)
    assert [text[f.start : f.end] for f in findings] == ["Straße", decomposed, "šunus"]


def test_fold_keeps_index_map():
    folded = fold("ŽĄSIS ß")
    assert folded.text == "zasis ss"
    assert folded.span(0, 5) == (0, 5)
    assert folded.span(6, 8) == (6, 7)


def test_banned_term_may_offer_a_replacement(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="cheap", replacement="affordable")
    text = "A cheap plan"
    [finding] = check_caption(world.a.org, "linkedin", text)
    assert apply_fix(text, finding) == "A affordable plan"


# --- Required text ------------------------------------------------------------------


def test_required_hashtag_per_network(world, rule_factory):
    rule_factory(
        kind=RuleKind.REQUIRED_TEXT, pattern="#employee", networks=["linkedin"], severity="warn"
    )
    text = "Mes samdome!"
    [finding] = check_caption(world.a.org, "linkedin", text)
    assert finding.kind == "required_text" and finding.severity == "warn"
    assert apply_fix(text, finding) == "Mes samdome! #employee"
    assert check_caption(world.a.org, "instagram", text) == []
    assert check_caption(world.a.org, "linkedin", "Mes samdome! #Employee") == []
    # "#employees" is another hashtag.
    assert len(check_caption(world.a.org, "linkedin", "Mes #employees")) == 1


def test_required_disclosure_in_russian(world, rule_factory):
    rule_factory(kind=RuleKind.REQUIRED_TEXT, pattern="Я работаю в Acme")
    assert check_caption(world.a.org, "x", "я работаю в ACME и горжусь") == []
    findings = check_caption(world.a.org, "x", "Горжусь!")
    assert kinds(findings) == ["required_text"]


# --- Brand spellings -----------------------------------------------------------------


def test_brand_spelling_offers_the_fix(world, rule_factory):
    rule_factory(kind=RuleKind.BRAND_SPELLING, pattern="Linkedin", replacement="LinkedIn")
    text = "Sekite mus Linkedin ir LINKEDIN, ne LinkedIn."
    findings = check_caption(world.a.org, "linkedin", text)
    assert [text[f.start : f.end] for f in findings] == ["Linkedin", "LINKEDIN"]
    fixed = apply_fix(text, findings[1])
    fixed = apply_fix(fixed, check_caption(world.a.org, "linkedin", fixed)[0])
    assert fixed == "Sekite mus LinkedIn ir LinkedIn, ne LinkedIn."
    assert check_caption(world.a.org, "linkedin", fixed) == []


def test_brand_spelling_with_lithuanian_letters(world, rule_factory):
    rule_factory(kind=RuleKind.BRAND_SPELLING, pattern="Zalgiris", replacement="Žalgiris")
    text = "Go zalgiris!"
    [finding] = check_caption(world.a.org, "facebook", text)
    assert finding.suggestion == "Žalgiris"
    assert apply_fix(text, finding) == "Go Žalgiris!"
    assert check_caption(world.a.org, "facebook", "Go Žalgiris!") == []


def test_brand_spelling_not_flagged_inside_the_right_form(world, rule_factory):
    rule_factory(kind=RuleKind.BRAND_SPELLING, pattern="Telia", replacement="Telia Company")
    assert check_caption(world.a.org, "linkedin", "Telia Company grows") == []
    assert len(check_caption(world.a.org, "linkedin", "Telia grows")) == 1


def test_brand_spelling_in_a_hashtag_or_mention_wants_the_form_without_spaces(world, rule_factory):
    rule_factory(
        kind=RuleKind.BRAND_SPELLING, pattern="BaltijosPienas", replacement="Baltijos Pienas"
    )
    assert (
        check_caption(world.a.org, "linkedin", "Sveiki iš #BaltijosPienas ir @BaltijosPienas") == []
    )
    text = "Sveiki iš #baltijospienas, BaltijosPienas"
    first, second = check_caption(world.a.org, "linkedin", text)
    assert (first.suggestion, second.suggestion) == ("BaltijosPienas", "Baltijos Pienas")
    assert apply_fix(text, first) == "Sveiki iš #BaltijosPienas, BaltijosPienas"


def test_apply_fix_refuses_findings_without_suggestion():
    finding = Finding(1, "banned_term", "block", "no", 0, 2, None)
    with pytest.raises(ValueError):
        apply_fix("hi", finding)


# --- Length ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "limit"), [("linkedin", 3000), ("instagram", 2200), ("x", 280), ("facebook", 63206)]
)
def test_network_length_limits_apply_without_rules(world, network, limit):
    assert check_caption(world.a.org, network, "a" * limit) == []
    [finding] = check_caption(world.a.org, network, "a" * (limit + 1))
    assert finding.kind == "max_length" and finding.severity == "block"
    assert finding.rule_id is None
    assert (finding.start, finding.end) == (limit, limit + 1)


def test_max_length_rule_per_network(world, rule_factory):
    rule_factory(kind=RuleKind.MAX_LENGTH, max_length=100, networks=["linkedin"], severity="warn")
    text = "ž" * 150
    [finding] = check_caption(world.a.org, "linkedin", text)
    assert finding.severity == "warn" and finding.start == 100
    assert check_caption(world.a.org, "facebook", text) == []
    assert not has_blocking(check_caption(world.a.org, "linkedin", text))


def test_no_network_applies_only_rules_for_all_networks(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="foo", networks=["x"])
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="bar")
    findings = check_caption(world.a.org, None, "foo bar " + "a" * 5000)
    assert [f.kind for f in findings] == ["banned_term"]
    with pytest.raises(ValueError):
        check_caption(world.a.org, "myspace", "hi")


# --- Confidential patterns -----------------------------------------------------------


def test_confidential_pattern(world, rule_factory):
    rule_factory(kind=RuleKind.CONFIDENTIAL_PATTERN, pattern=r"project [A-Z]{4}-\d+")
    text = "Žiūrėkite: Project ŽALG-12 ir project abcd-7."
    findings = check_caption(world.a.org, "linkedin", text)
    assert [text[f.start : f.end] for f in findings] == ["project abcd-7"]
    assert has_blocking(findings)


def test_confidential_iban_like_pattern(world, rule_factory):
    rule_factory(
        kind=RuleKind.CONFIDENTIAL_PATTERN,
        pattern=r"\bLT\d{2}(?: ?\d{4}){4}\b",
        message="Nerašykite sąskaitų numerių.",
    )
    text = "Pervesk į LT12 1000 0111 0100 1000."
    [finding] = check_caption(world.a.org, "linkedin", text)
    assert text[finding.start : finding.end] == "LT12 1000 0111 0100 1000"
    assert finding.message == "Nerašykite sąskaitų numerių."


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)*$", r"(a|aa)+$", r"(x+x+)+y"])
def test_catastrophic_patterns_are_refused_when_saved(world, rule_factory, pattern):
    with pytest.raises(ValidationError) as exc:
        rule_factory(kind=RuleKind.CONFIDENTIAL_PATTERN, pattern=pattern)
    assert "pattern" in exc.value.message_dict
    assert not GuidelineRule.objects.filter(organization=world.a.org).exists()


@pytest.mark.parametrize("pattern", ["(", "[a-", r"\d*", "a{2,1}"])
def test_invalid_patterns_are_refused(world, rule_factory, pattern):
    with pytest.raises(ValidationError) as exc:
        rule_factory(kind=RuleKind.CONFIDENTIAL_PATTERN, pattern=pattern)
    assert exc.value.message_dict["pattern"]


def test_stored_catastrophic_pattern_is_cut_off_at_check_time(world):
    # A row that bypassed validation (e.g. written before the rule existed).
    GuidelineRule.objects.create(
        organization=world.a.org, kind=RuleKind.CONFIDENTIAL_PATTERN, pattern=r"(a|aa)+$"
    )
    GuidelineRule.objects.create(
        organization=world.a.org, kind=RuleKind.CONFIDENTIAL_PATTERN, pattern=r"(a+)+$"
    )
    findings = check_caption(world.a.org, "linkedin", "a" * 2500 + "!")
    timeouts = [f for f in findings if "took too long" in f.message]
    assert len(timeouts) == 2
    assert {f.severity for f in timeouts} == {"warn"}
    assert not has_blocking(findings)


# --- Cache ---------------------------------------------------------------------------


def test_rule_changes_invalidate_the_cache(world, rule_factory, django_assert_num_queries):
    check_caption(world.a.org, "linkedin", "warm up")
    with django_assert_num_queries(0):
        assert check_caption(world.a.org, "linkedin", "secret plan") == []
    rule = rule_factory(kind=RuleKind.BANNED_TERM, pattern="secret")
    assert len(check_caption(world.a.org, "linkedin", "secret plan")) == 1
    with django_assert_num_queries(0):
        check_caption(world.a.org, "linkedin", "secret plan")
    services.guideline_rule_update(rule=rule, actor=world.a.members["admin"], pattern="plan")
    assert [f.start for f in check_caption(world.a.org, "linkedin", "secret plan")] == [7]
    services.guideline_rule_set_active(rule=rule, actor=world.a.members["admin"], is_active=False)
    assert check_caption(world.a.org, "linkedin", "secret plan") == []
    services.guideline_rule_set_active(rule=rule, actor=world.a.members["admin"], is_active=True)
    assert len(check_caption(world.a.org, "linkedin", "secret plan")) == 1
    services.guideline_rule_delete(rule=rule, actor=world.a.members["admin"])
    assert check_caption(world.a.org, "linkedin", "secret plan") == []


def test_rules_are_per_organization(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="secret")
    assert len(check_caption(world.a.org, "linkedin", "secret")) == 1
    assert check_caption(world.b.org, "linkedin", "secret") == []


def test_findings_serialise_with_utf16_offsets(world, rule_factory):
    rule_factory(kind=RuleKind.BANNED_TERM, pattern="secret")
    text = "🎉🎉 secret"
    [finding] = check_caption(world.a.org, "linkedin", text)
    data = finding.as_dict(text)
    assert (data["start"], data["end"]) == (3, 9)
    assert (data["utf16_start"], data["utf16_end"]) == (5, 11)
    assert data["excerpt"] == "secret"


def test_many_rules_one_pass(world):
    """500 rules over a 3,000-character caption: a correctness check of the combined
    scanner (timing lives in guidelines/bench.py)."""
    GuidelineRule.objects.bulk_create(
        GuidelineRule(organization=world.a.org, kind=RuleKind.BANNED_TERM, pattern=f"term{i}")
        for i in range(500)
    )
    from guidelines.checker import rules_changed

    rules_changed(world.a.org)
    text = ("Lorem ipsum term17 dolor term499 sit " * 100)[:3000]
    findings = check_caption(world.a.org, "linkedin", text)
    assert {text[f.start : f.end] for f in findings} == {"term17", "term499"}
    assert len(findings) == 40  # capped per rule
