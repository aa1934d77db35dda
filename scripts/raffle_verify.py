#!/usr/bin/env python3
"""Check a Chorus raffle from its published values alone (Python 3.11+, standard library only).

    python3 raffle_verify.py https://chorus.example/raffles/<id>/            # its public page
    python3 raffle_verify.py https://chorus.example/raffles/<id>/proof.json  # or its proof
    python3 raffle_verify.py proof.json                                      # a saved copy
    curl -s https://chorus.example/raffles/<id>/proof.json | python3 raffle_verify.py -

It checks that the revealed seed hashes to the commitment published when the raffle
opened, that the frozen entry list hashes to the published list hash, and that the draw
(chorus-raffle-v1, described in docs/raffles.md) run on the seed, the list hash and the
public value gives exactly the published winners. Exit status 0 when everything agrees,
1 when something does not (each disagreement is printed as a sentence), 2 when the
proof could not be read.

The algorithm below is a verbatim copy of campaigns/raffle_draw.py in the Chorus
repository (a test there fails if they ever differ).
"""

from __future__ import annotations

# --- BEGIN chorus-raffle-v1 (copied verbatim into scripts/raffle_verify.py) ---
import hashlib
import hmac
from collections.abc import Iterator, Sequence

ALGORITHM = "chorus-raffle-v1"


def commitment_of(seed_hex: str) -> str:
    """The published commitment: SHA-256 of the seed's 32 bytes, in lower-case hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def entries_canonical(entries: Sequence[tuple[str, int]]) -> bytes:
    """The frozen list as bytes: one UTF-8 line ``pseudonym:tickets\\n`` per entry, in
    ascending order of pseudonym (code point order), tickets in decimal without leading
    zeros. An empty list is zero bytes."""
    return "".join(f"{p}:{int(t)}\n" for p, t in sorted(entries)).encode("utf-8")


def entries_hash_of(entries: Sequence[tuple[str, int]]) -> str:
    """SHA-256 of the canonical list, in lower-case hex."""
    return hashlib.sha256(entries_canonical(entries)).hexdigest()


def byte_stream(seed_hex: str, entries_hash: str, public_value: str) -> Iterator[int]:
    """HMAC-SHA-256 in counter mode: block ``n`` (n = 0, 1, 2, ...) is
    HMAC-SHA-256(key = the seed's 32 bytes,
    message = the list hash's 32 bytes || public value in UTF-8 || n as 8 bytes big-endian);
    the stream is the blocks' bytes one after the other."""
    key = bytes.fromhex(seed_hex)
    prefix = bytes.fromhex(entries_hash) + public_value.encode("utf-8")
    counter = 0
    while True:
        block = hmac.new(key, prefix + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        yield from block
        counter += 1


def uniform_below(stream: Iterator[int], n: int) -> int:
    """A number in [0, n) with every value equally likely (rejection sampling, no modulo
    bias): take k = the bit length of n - 1; read max(1, ceil(k / 8)) bytes of the stream
    as a big-endian number, keep its k lowest bits; accept it when it is below n, otherwise
    read again."""
    if n < 1:
        raise ValueError("n must be at least 1")
    bits = (n - 1).bit_length()
    size = max(1, (bits + 7) // 8)
    mask = (1 << bits) - 1
    while True:
        value = int.from_bytes(bytes(next(stream) for _ in range(size)), "big") & mask
        if value < n:
            return value


def draw_winners(
    *,
    seed_hex: str,
    entries: Sequence[tuple[str, int]],
    entries_hash: str,
    public_value: str,
    winners_count: int,
) -> list[str]:
    """The winners' pseudonyms, first prize first.

    Entries are taken in canonical order (ascending pseudonym); each holds ``tickets``
    consecutive ticket numbers. For each prize: pick a ticket number uniformly below the
    number of tickets still in the draw; the entry holding it wins and leaves the draw with
    all its tickets (nobody wins twice); the numbers are counted again over the entries that
    remain. One stream serves every pick. The draw stops when ``winners_count`` entries
    have won or none is left.
    """
    remaining = [(p, int(t)) for p, t in sorted(entries) if int(t) > 0]
    stream = byte_stream(seed_hex, entries_hash, public_value)
    winners: list[str] = []
    while remaining and len(winners) < winners_count:
        ticket = uniform_below(stream, sum(t for _, t in remaining))
        for index, (pseudonym, tickets) in enumerate(remaining):
            if ticket < tickets:
                winners.append(pseudonym)
                del remaining[index]
                break
            ticket -= tickets
    return winners


def verify_proof(proof: dict) -> list[str]:
    """Every way the published values disagree with each other (empty: the draw checks).

    ``proof`` is the raffle's public JSON: ``commitment``, ``seed``, ``entries`` (a list of
    ``{"pseudonym", "tickets"}``), ``entries_hash``, ``public_value``, ``winners_count``
    and ``winners`` (pseudonyms, first prize first)."""
    problems: list[str] = []
    if proof.get("algorithm", ALGORITHM) != ALGORITHM:
        return [f"This raffle uses the algorithm {proof.get('algorithm')!r}, not {ALGORITHM!r}."]
    seed = proof.get("seed") or ""
    if not seed:
        return ["The seed is not published yet: the raffle has not been drawn."]
    if len(seed) != 64 or any(c not in "0123456789abcdef" for c in seed):
        return ["The published seed is not 64 lower-case hexadecimal digits."]
    commitment = commitment_of(seed)
    if commitment != proof.get("commitment"):
        problems.append(
            f"The seed does not match the commitment: SHA-256 of the seed is {commitment}, "
            f"the commitment published at the opening is {proof.get('commitment')}."
        )
    entries_hash = str(proof.get("entries_hash") or "")
    if len(entries_hash) != 64 or any(c not in "0123456789abcdef" for c in entries_hash):
        return ["The published list hash is not 64 lower-case hexadecimal digits."]
    entries = [(e["pseudonym"], int(e["tickets"])) for e in proof.get("entries") or []]
    if len({p for p, _ in entries}) != len(entries):
        problems.append("A pseudonym appears more than once in the entry list.")
    listed_hash = entries_hash_of(entries)
    if listed_hash != entries_hash:
        problems.append(
            f"The entry list does not match its hash: the list hashes to {listed_hash}, "
            f"the published hash is {entries_hash}."
        )
    expected = draw_winners(
        seed_hex=seed,
        entries=entries,
        entries_hash=entries_hash,
        public_value=str(proof.get("public_value") or ""),
        winners_count=int(proof.get("winners_count") or 0),
    )
    published = list(proof.get("winners") or [])
    if expected != published:
        problems.append(
            f"The winners do not follow from the published values: the draw gives "
            f"{', '.join(expected) or 'no winner'}, the published winners are "
            f"{', '.join(published) or 'no winner'}."
        )
    return problems


# --- END chorus-raffle-v1 ---


def proof_url(address: str) -> str:
    """A raffle's public page address becomes its proof's address."""
    if address.endswith(".json"):
        return address
    return address.rstrip("/") + "/proof.json"


def load_proof(source: str) -> dict:
    import json
    import sys
    import urllib.request

    if source == "-":
        return json.load(sys.stdin)
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            proof_url(source), headers={"Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
            return json.load(response)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def main(argv: list[str]) -> int:
    import sys

    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        proof = load_proof(argv[0])
    except (OSError, ValueError) as exc:
        print(f"Could not read the raffle's proof from {argv[0]}: {exc}", file=sys.stderr)
        return 2
    print(f"Raffle: {proof.get('title', '')} ({proof.get('public_id', '')})")
    print(f"Commitment:   {proof.get('commitment')}")
    print(f"Seed:         {proof.get('seed') or '(not revealed yet)'}")
    print(f"Entries:      {len(proof.get('entries') or [])}, list hash {proof.get('entries_hash')}")
    print(f"Public value: {proof.get('public_value') or '(none)'}")
    print(f"Winners:      {', '.join(proof.get('winners') or []) or '(none)'}")
    try:
        problems = verify_proof(proof)
    except (KeyError, TypeError, ValueError) as exc:
        print(f"The proof is not in the expected shape: {exc}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print("MISMATCH: " + problem)
        return 1
    print(
        "OK: the seed matches the commitment, the list matches its hash, and the draw "
        "gives exactly the published winners."
    )
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
