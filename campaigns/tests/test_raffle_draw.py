"""The draw algorithm (``campaigns/raffle_draw.py``) and its standalone copy
(``scripts/raffle_verify.py``): deterministic, sensitive to every input, unbiased, one win
per member, and the same in both places. No database."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from campaigns import raffle_draw as rd

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "raffle_verify.py"
MODULE = ROOT / "campaigns" / "raffle_draw.py"
BEGIN, END = "# --- BEGIN chorus-raffle-v1", "# --- END chorus-raffle-v1 ---"

SEED = "11" * 32
ENTRIES = [(f"{i:016x}", 1 + i % 3) for i in range(40)]


def _script_module():
    spec = importlib.util.spec_from_file_location("raffle_verify_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _block(path: Path) -> str:
    text = path.read_text()
    return text[text.index(BEGIN) : text.index(END)]


def _draw(seed=SEED, entries=ENTRIES, public_value="", winners_count=3, entries_hash=None):
    return rd.draw_winners(
        seed_hex=seed,
        entries=entries,
        entries_hash=entries_hash or rd.entries_hash_of(entries),
        public_value=public_value,
        winners_count=winners_count,
    )


def _proof(seed=SEED, entries=ENTRIES, public_value="", winners_count=3) -> dict:
    entries_hash = rd.entries_hash_of(entries)
    return {
        "algorithm": rd.ALGORITHM,
        "commitment": rd.commitment_of(seed),
        "seed": seed,
        "entries": [{"pseudonym": p, "tickets": t} for p, t in entries],
        "entries_hash": entries_hash,
        "public_value": public_value,
        "winners_count": winners_count,
        "winners": _draw(seed, entries, public_value, winners_count),
    }


def test_the_module_is_standard_library_only():
    for line in MODULE.read_text().splitlines():
        if line.startswith(("import ", "from ")):
            assert line.split()[1].split(".")[0] in {"hashlib", "hmac", "collections"}, line


def test_the_script_carries_the_module_algorithm_verbatim():
    assert _block(SCRIPT) == _block(MODULE)


def test_the_commitment_is_sha256_of_the_seed_bytes():
    assert rd.commitment_of(SEED) == hashlib.sha256(bytes.fromhex(SEED)).hexdigest()


def test_the_canonical_list_is_sorted_lines_and_its_hash_is_sha256():
    entries = [("b2", 1), ("a1", 3)]
    assert rd.entries_canonical(entries) == b"a1:3\nb2:1\n"
    assert rd.entries_hash_of(entries) == hashlib.sha256(b"a1:3\nb2:1\n").hexdigest()
    assert rd.entries_hash_of([]) == hashlib.sha256(b"").hexdigest()


def test_the_stream_is_hmac_sha256_in_counter_mode():
    import hmac

    entries_hash = rd.entries_hash_of(ENTRIES)
    stream = rd.byte_stream(SEED, entries_hash, "lotto 7")
    first_two = bytes(next(stream) for _ in range(64))
    key, prefix = bytes.fromhex(SEED), bytes.fromhex(entries_hash) + b"lotto 7"
    expected = b"".join(
        hmac.new(key, prefix + n.to_bytes(8, "big"), hashlib.sha256).digest() for n in (0, 1)
    )
    assert first_two == expected


def test_the_draw_is_deterministic():
    assert _draw() == _draw()
    assert len(_draw()) == 3


def test_a_changed_seed_list_or_public_value_changes_the_outcome():
    base = _draw(winners_count=5)
    assert _draw(seed="12" + SEED[2:], winners_count=5) != base
    changed = [*ENTRIES[:-1], (ENTRIES[-1][0], ENTRIES[-1][1] + 1)]
    assert _draw(entries=changed, winners_count=5) != base
    assert _draw(public_value="lotto 1 2 3", winners_count=5) != base


def test_each_input_matters_over_many_seeds():
    """Not a coincidence of one seed: over 50 seeds, every change moves the first prize in
    most of them (with 40 members a coincidence has a chance of about 1 in 40)."""
    rng = random.Random(8)
    moved: Counter[str] = Counter()
    for _ in range(50):
        seed = rng.randbytes(32).hex()
        first = _draw(seed=seed, winners_count=1)
        moved["seed"] += _draw(seed=rng.randbytes(32).hex(), winners_count=1) != first
        moved["value"] += _draw(seed=seed, public_value="x", winners_count=1) != first
        moved["list"] += _draw(seed=seed, entries=ENTRIES[1:], winners_count=1) != first
    assert all(count >= 40 for count in moved.values()), moved


def test_nobody_wins_twice_and_the_count_is_capped_at_the_entrants():
    few = [("aa", 5), ("bb", 1), ("cc", 9)]
    winners = _draw(entries=few, winners_count=10)
    assert sorted(winners) == ["aa", "bb", "cc"]
    for n in range(1, 30):
        picked = _draw(seed=f"{n:064x}", winners_count=20)
        assert len(picked) == len(set(picked)) == 20


def test_no_entrants_means_no_winners():
    assert _draw(entries=[], winners_count=3) == []
    assert _draw(entries=[("aa", 0)], winners_count=3) == []


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 255, 256, 257, 1000, 65537])
def test_the_rejection_sampler_stays_in_bounds(n):
    stream = rd.byte_stream(SEED, rd.entries_hash_of([]), str(n))
    values = [rd.uniform_below(stream, n) for _ in range(300)]
    assert all(0 <= v < n for v in values)
    if n > 1:
        assert len(set(values)) > 1


def test_the_rejection_sampler_rejects_instead_of_folding():
    """n = 3 reads 2 bits: 0, 1, 2 are kept and 3 is read again. A modulo would fold 3 onto
    0 and make it twice as likely as 2."""
    stream = iter([3, 3, 7, 2, 0b11111101])
    assert rd.uniform_below(stream, 3) == 2  # 3 & 3 = 3 rejected (twice), 7 & 3 = 3 rejected
    assert rd.uniform_below(stream, 3) == 1  # 0b11111101 & 3 = 1
    with pytest.raises(ValueError):
        rd.uniform_below(iter([0]), 0)


def test_no_modulo_bias_over_a_small_population():
    """Three members with one entry each, 6,000 draws with fixed seeds: each wins first prize
    about 2,000 times. With a modulo of one byte (256 % 3 = 1) member 0 would get about
    0.4 % more; the chi-squared statistic must stay below 13.8 (p = 0.001, 2 degrees of
    freedom), and exhaustively over every byte each value is hit exactly equally often."""
    entries = [("a", 1), ("b", 1), ("c", 1)]
    wins = Counter(
        _draw(seed=f"{i:064x}", entries=entries, winners_count=1)[0] for i in range(6000)
    )
    expected = 6000 / 3
    chi2 = sum((wins[p] - expected) ** 2 / expected for p, _ in entries)
    assert chi2 < 13.8, wins
    # Exhaustive: every possible first byte, each accepted value equally often.
    accepted: Counter[int] = Counter()
    for byte in range(256):
        value = byte & 3
        if value < 3:
            accepted[value] += 1
    assert set(accepted.values()) == {64}


def test_ticket_weights_are_respected():
    entries = [("heavy", 3), ("light", 1)]
    wins = Counter(
        _draw(seed=f"{i:064x}", entries=entries, winners_count=1)[0] for i in range(4000)
    )
    assert 2850 < wins["heavy"] < 3150, wins


def test_published_values_verify_and_tampering_is_caught():
    proof = _proof(public_value="beacon round 42")
    assert rd.verify_proof(proof) == []
    tampered_seed = {**proof, "seed": "22" * 32}
    assert any("commitment" in p for p in rd.verify_proof(tampered_seed))
    tampered_list = {**proof, "entries": proof["entries"][1:]}
    assert any("hash" in p for p in rd.verify_proof(tampered_list))
    tampered_value = {**proof, "public_value": "beacon round 43"}
    assert any("winners do not follow" in p for p in rd.verify_proof(tampered_value))
    tampered_winners = {**proof, "winners": list(reversed(proof["winners"]))}
    assert any("winners do not follow" in p for p in rd.verify_proof(tampered_winners))
    assert rd.verify_proof({**proof, "seed": None}) == [
        "The seed is not published yet: the raffle has not been drawn."
    ]


def test_script_and_module_give_identical_results_over_random_inputs():
    script = _script_module()
    rng = random.Random(12)
    for _ in range(200):
        seed = rng.randbytes(32).hex()
        entries = [(rng.randbytes(8).hex(), rng.randint(0, 5)) for _ in range(rng.randint(0, 30))]
        value = rng.choice(["", "lotto 4 8 15", "drand 123456", "ąčę"])
        count = rng.randint(1, 6)
        entries_hash = rd.entries_hash_of(entries)
        kwargs: dict[str, Any] = {
            "seed_hex": seed,
            "entries": entries,
            "entries_hash": entries_hash,
            "public_value": value,
            "winners_count": count,
        }
        assert script.draw_winners(**kwargs) == rd.draw_winners(**kwargs)
        assert script.entries_hash_of(entries) == entries_hash
        proof = _proof(seed, entries, value, count)
        assert script.verify_proof(proof) == rd.verify_proof(proof) == []


def test_the_script_checks_a_saved_proof_and_fails_on_a_tampered_one(tmp_path):
    good = tmp_path / "proof.json"
    good.write_text(json.dumps(_proof(public_value="lotto")))
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(good)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK" in run.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_proof(public_value="lotto"), "seed": "33" * 32}))
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(bad)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert "MISMATCH: The seed does not match the commitment" in run.stdout
