"""Table tests of the constraint trie and state (mt.engines.constraints), on a hand-made
vocabulary."""

from __future__ import annotations

import pytest

from mt.engines.constraints import (
    ConstraintState,
    ConstraintTrie,
    Phrase,
    Placement,
    TargetVocabulary,
    TokenClass,
    classify_piece,
    compile_terms,
    glues_letters,
    segment_glued,
    surface_forms,
)
from mt.terminology.terms import CasePolicy, RequiredTerm, SegmentTerms

PIECES = {
    "▁la": 1, "▁coalition": 2, "▁internationale": 3, "▁contre": 4, "▁Da": 5, "ech": 6,
    "Da": 7, "coalition": 8, "▁Coalition": 9, "▁l'": 10, ".": 11, "s": 12, "▁anti-": 13,
    "▁E": 14, "I": 15, "▁EI": 16, "E": 17, "▁État": 18, "▁islamique": 19, "▁Daech": 20,
    "▁état": 21, "État": 22, "état": 23,
}  # fmt: skip
VOCAB = TargetVocabulary(
    encode=lambda text: segment_glued(" " + text, PIECES, 16) or (0,),
    pieces=PIECES,
    unk_id=0,
)
OTHER, J, E = TokenClass.OTHER, TokenClass.JOINER, TokenClass.SENTENCE_END

# entry 0 "daesh": ▁Da ech (WORD), Da ech (GLUED); entry 1 "coalition": WORD, GLUED and INITIAL.
PHRASES = [
    Phrase(0, (5, 6), Placement.WORD),
    Phrase(0, (7, 6), Placement.GLUED),
    Phrase(1, (2, 3), Placement.WORD),
    Phrase(1, (8, 3), Placement.GLUED),
    Phrase(1, (9, 3), Placement.INITIAL),
]


def feed(trie: ConstraintTrie, tokens: list[tuple[int, TokenClass]]) -> ConstraintState:
    state = ConstraintState()
    for token, token_class in tokens:
        state = trie.advance(state, token, token_class)
    return state


@pytest.mark.parametrize(
    ("fed", "met", "bank", "next_tokens", "completed"),
    [
        # nothing yet: WORD and INITIAL phrases may start
        ([], 0b00, 0, {5, 2, 9}, False),
        # the module docstring's example
        ([(1, OTHER)], 0b00, 0, {5, 2}, False),
        ([(1, OTHER), (2, OTHER)], 0b00, 1, {3, 5, 2}, False),
        (
            [(1, OTHER), (2, OTHER), (4, OTHER)],
            0b00,
            0,
            {5, 2},
            False,
        ),  # abandoned: progress undone
        ([(1, OTHER), (2, OTHER), (3, OTHER)], 0b10, 2, {5}, True),
        ([(1, OTHER), (2, OTHER), (3, OTHER), (5, OTHER)], 0b10, 3, {6, 5}, False),
        ([(1, OTHER), (2, OTHER), (3, OTHER), (5, OTHER), (6, OTHER)], 0b11, 4, set(), True),
        # capitalised form only at the sentence start or after a sentence end
        ([(9, OTHER)], 0b00, 1, {3, 5, 2}, False),
        ([(1, OTHER), (9, OTHER)], 0b00, 0, {5, 2}, False),
        ([(11, E), (9, OTHER), (3, OTHER)], 0b10, 2, {5}, True),
        # glued forms only after a joiner: "l'" + "coalition", "anti-" + "Daech"
        ([(10, J)], 0b00, 0, {5, 7, 2, 8}, False),
        ([(10, J), (8, OTHER), (3, OTHER)], 0b10, 2, {5}, True),
        ([(1, OTHER), (8, OTHER)], 0b00, 0, {5, 2}, False),
        ([(13, J), (7, OTHER), (6, OTHER)], 0b01, 2, {2}, True),
        # an entry met once is not asked for again, nor counted twice
        ([(5, OTHER), (6, OTHER), (5, OTHER)], 0b01, 2, {2}, False),
        ([(5, OTHER), (6, OTHER), (12, OTHER)], 0b01, 2, {2}, False),
    ],
)
def test_state_after_tokens(
    fed: list[tuple[int, TokenClass]], met: int, bank: int, next_tokens: set[int], completed: bool
) -> None:
    trie = ConstraintTrie(PHRASES, entry_count=2)
    state = feed(trie, fed)
    assert state.met == met
    assert trie.bank(state) == bank
    assert set(trie.next_tokens(state)) == next_tokens
    assert state.completed is completed
    assert trie.all_met(state) is (met == 0b11)


def test_states_are_immutable_values() -> None:
    trie = ConstraintTrie(PHRASES, entry_count=2)
    start = ConstraintState()
    after = trie.advance(start, 2, OTHER)
    assert start == ConstraintState() and after != start
    assert trie.advance(start, 2, OTHER) == after  # memoised, same value
    with pytest.raises(AttributeError):
        after.met = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("piece", "token_class", "glues"),
    [
        ("▁l'", J, False),
        ("-", J, False),
        ("▁(", J, False),
        (".", E, False),
        ("?", E, False),
        ("▁la", OTHER, False),
        ("s", OTHER, True),
        ("16", OTHER, True),
        ("</s>", OTHER, False),
    ],
)
def test_piece_classes(piece: str, token_class: TokenClass, glues: bool) -> None:
    assert classify_piece(piece) is token_class
    assert glues_letters(piece) is glues


@pytest.mark.parametrize(
    ("term", "case", "forms"),
    [
        ("Daech", CasePolicy.EXACT, {("Daech", Placement.WORD), ("Daech", Placement.GLUED)}),
        (
            "coalition",
            CasePolicy.EXACT,
            {
                ("coalition", Placement.WORD),
                ("coalition", Placement.GLUED),
                ("Coalition", Placement.INITIAL),
            },
        ),
        (
            "coalition",
            CasePolicy.STRICT,
            {("coalition", Placement.WORD), ("coalition", Placement.GLUED)},
        ),
        (
            "Coalition",
            CasePolicy.IGNORE,
            {(f, p) for f in ("Coalition", "coalition") for p in (Placement.WORD, Placement.GLUED)},
        ),
    ],
)
def test_surface_forms(term: str, case: CasePolicy, forms: set[tuple[str, Placement]]) -> None:
    required = RequiredTerm("e", term, (term,), case)
    assert set(surface_forms(required, case)) == forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Daech", (7, 6)), ("coalition internationale", (8, 3)), ("État", (22,)), ("xyz", None)],
)
def test_glued_segmentation(text: str, expected: tuple[int, ...] | None) -> None:
    assert segment_glued(text, PIECES, 16) == expected


def test_compile_terms_alternatives_cases_and_bans() -> None:
    terms = SegmentTerms(
        required=(
            RequiredTerm("daesh", "Daesh", ("Daech",)),
            RequiredTerm("coalition", "Coalitie", ("coalition internationale",)),
            RequiredTerm("daesh", "Daesh'", ("Daech",)),  # the same entry twice: met once
            RequiredTerm("unknown", "xyz", ("xyz",)),
        ),
        forbidden=("EI", "État islamique"),
    )
    compiled = compile_terms(terms, VOCAB)
    assert compiled.entry_ids == ("daesh", "coalition")
    assert compiled.unmet == (
        ("unknown", "the term cannot be written with the model's target vocabulary"),
    )
    trie = compiled.trie
    # the tokenizer's spelling after a space or at the start (capitalised there), glued after "l'"
    assert set(trie.next_tokens(ConstraintState())) == {20, 2, 9}
    assert set(trie.next_tokens(feed(trie, [(10, J)]))) == {20, 2, 7, 8}
    assert feed(trie, [(20, OTHER)]).met == 0b01
    # acronyms banned as written only; other words also capitalised and lower-cased
    assert {(16,), (17, 15)} <= set(compiled.banned)
    assert {(18, 19), (21, 19), (22, 19), (23, 19)} <= set(compiled.banned)
    assert (15,) not in compiled.banned and (14,) not in compiled.banned


def test_ban_inside_a_required_phrase_is_dropped() -> None:
    terms = SegmentTerms(
        required=(RequiredTerm("c", "Coalitie", ("coalition internationale",), CasePolicy.STRICT),),
        forbidden=("internationale",),
    )
    compiled = compile_terms(terms, VOCAB)
    assert (3,) not in compiled.banned


@pytest.mark.parametrize(("room", "kept"), [(None, 2), (3, 2), (2, 1), (0, 0)])
def test_terms_that_do_not_fit_are_reported(room: int | None, kept: int) -> None:
    terms = SegmentTerms(
        required=(
            RequiredTerm("daesh", "Daesh", ("Daech",)),  # 1 token (▁Daech)
            RequiredTerm("coalition", "Coalitie", ("coalition internationale",)),  # 2 tokens
        )
    )
    compiled = compile_terms(terms, VOCAB, room=room)
    assert len(compiled.entry_ids) == kept
    assert len(compiled.unmet) == 2 - kept
    assert all("fit in the length limit" in reason for _, reason in compiled.unmet)


# -- markup placeholders: each once, a closer only after its opener, letters may touch them -----

MARKUP_PIECES = {**PIECES, "▁[1]": 30, "▁[": 31, "/1]": 32, "[1]": 33}
MARKUP_VOCAB = TargetVocabulary(
    encode=lambda text: segment_glued(" " + text, MARKUP_PIECES, 16) or (0,),
    pieces=MARKUP_PIECES,
    unk_id=0,
)
PLACEHOLDERS = SegmentTerms(
    required=(
        RequiredTerm("keep:[1]", "[1]", ("[1]",), CasePolicy.STRICT, copy=True, placeholder=True),
        RequiredTerm(
            "keep:[/1]", "[/1]", ("[/1]",), CasePolicy.STRICT, True, True, after="keep:[1]"
        ),
        RequiredTerm("daesh", "Daesh", ("Daech",)),
    )
)


@pytest.mark.parametrize(
    ("fed", "met", "next_tokens", "blocked", "completed"),
    [
        # the closer may not start before its opener: it is offered nowhere and banned
        ([], 0b000, {30, 20}, {(31, 32)}, False),
        ([(31, OTHER), (32, OTHER)], 0b000, {30, 20}, {(31, 32)}, False),
        # the opener written: banned from now on; the closer waits for a word (no empty pair)
        ([(30, OTHER)], 0b001, {20}, {(30,), (33,), (31, 32)}, False),
        ([(30, OTHER), (31, OTHER), (32, OTHER)], 0b001, {20}, {(30,), (33,), (31, 32)}, False),
        # a word, then the closer is offered; a term still blocks glued letters, a placeholder not
        ([(30, OTHER), (20, OTHER)], 0b101, {31}, {(30,), (33,)}, True),
        ([(30, OTHER), (1, OTHER)], 0b001, {31, 20}, {(30,), (33,)}, False),
        # both written: both banned
        (
            [(30, OTHER), (1, OTHER), (31, OTHER), (32, OTHER)],
            0b011,
            {20},
            {(30,), (33,), (31, 32)},
            False,
        ),
    ],
)
def test_placeholders_once_and_in_order(
    fed: list[tuple[int, TokenClass]],
    met: int,
    next_tokens: set[int],
    blocked: set[tuple[int, ...]],
    completed: bool,
) -> None:
    compiled = compile_terms(PLACEHOLDERS, MARKUP_VOCAB)
    assert compiled.entry_ids == ("keep:[1]", "keep:[/1]", "daesh")
    state = feed(compiled.trie, fed)
    assert state.met == met
    assert set(compiled.trie.next_tokens(state)) == next_tokens
    assert set(compiled.trie.blocked(state)) == blocked
    assert state.completed is completed


def test_closer_whose_opener_cannot_be_written_is_not_enforced() -> None:
    terms = SegmentTerms(
        required=(
            RequiredTerm("keep:<1>", "<1>", ("<1>",), CasePolicy.STRICT, True, True),
            RequiredTerm("keep:[/1]", "[/1]", ("[/1]",), CasePolicy.STRICT, True, True, "keep:<1>"),
        )
    )
    compiled = compile_terms(terms, MARKUP_VOCAB)
    assert compiled.entry_ids == ()
    assert [entry for entry, _ in compiled.unmet] == ["keep:<1>", "keep:[/1]"]


def test_pairs_nest_a_closer_comes_when_its_pair_is_the_innermost_open() -> None:
    pieces = {**PIECES, "▁[1]": 30, "▁[2]": 31, "▁[/1]": 32, "▁[/2]": 33}
    vocab = TargetVocabulary(
        encode=lambda text: segment_glued(" " + text, pieces, 16) or (0,), pieces=pieces, unk_id=0
    )

    def pair(n: str) -> tuple[RequiredTerm, RequiredTerm]:
        opener = RequiredTerm(f"keep:[{n}]", "", (f"[{n}]",), CasePolicy.STRICT, True, True)
        closer = RequiredTerm(
            f"keep:[/{n}]", "", (f"[/{n}]",), CasePolicy.STRICT, True, True, f"keep:[{n}]"
        )
        return opener, closer

    terms = SegmentTerms(required=(*pair("1"), *pair("2")))
    trie = compile_terms(terms, vocab).trie
    # [1] w [2] w: only [/2] may close now; after it, [/1]
    state = feed(trie, [(30, OTHER), (1, OTHER), (31, OTHER), (1, OTHER)])
    assert set(trie.next_tokens(state)) == {33}
    assert (32,) in trie.blocked(state)
    state = feed(trie, [(30, OTHER), (1, OTHER), (31, OTHER), (1, OTHER), (33, OTHER)])
    assert set(trie.next_tokens(state)) == {32}
    assert state.stack == (0,)
