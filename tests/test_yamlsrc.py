"""yamlsrc.py: YAML read from PyYAML's event stream, with a file:line:col for every key and value,
and no way for a file to construct objects, expand aliases or nest without bound. Each refusal
is one whole message at the place it was written."""

from __future__ import annotations

import pytest

from clientcheck.files import YamlError
from clientcheck.yamlsrc import MAX_DEPTH, MAX_NODES, YList, YMap, node_budget, parse_document, parse_text


def refusal(text: str, name: str = "f.yaml") -> str:
    with pytest.raises(YamlError) as err:
        parse_text(text, name)
    return str(err.value)


def test_every_key_and_value_knows_where_it_was_written() -> None:
    tree = parse_text("a:\n  b: [x, 'y']\n", "f.yaml")
    assert isinstance(tree, YMap) and isinstance(tree["a"]["b"], YList)
    assert tree == {"a": {"b": ["x", "y"]}}
    assert (str(tree.mark), str(tree.key_at("a")), str(tree.at("a"))) == ("f.yaml:1:1", "f.yaml:1:1", "f.yaml:2:3")
    assert (str(tree["a"].at("b")), str(tree["a"]["b"].at(1))) == ("f.yaml:2:6", "f.yaml:2:10")
    assert str(tree.at("missing")) == "f.yaml:1:1"  # a key that is not there: the mapping's own place
    # the source text of plain scalars only (a quoted one says what it is)
    assert tree["a"]["b"].raw == {0: "x"}


def test_a_mapping_where_a_name_belongs_is_hashable_by_identity() -> None:
    tree = parse_text("a: {b: 1}\n", "f.yaml")
    assert tree["a"] not in {"b", "c"}  # no "unhashable type" wherever a name is looked up


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: duplicate key 'a' (first at line 1)"),
        ("a: &x 1\nb: 2\n", "f.yaml:1:4: anchors (&x) are not allowed"),
        ("a: [1]\nb: *x\n", "f.yaml:2:4: aliases (*name) are not allowed"),
        ("a: !!python/object/apply:os.system [x]\n", "f.yaml:1:4: tag !!python/object/apply:os.system is not allowed"),
        ("a: !!set {x: null}\n", "f.yaml:1:4: tag !!set is not allowed"),
        ("a: !foo 1\n", "f.yaml:1:4: tag !foo is not allowed"),
        ("yes: 1\n", "f.yaml:1:1: key 'yes' must be a string (YAML reads yes as True; write \"yes\" in quotes)"),
        ("1: a\n", "f.yaml:1:1: key '1' must be a string"),
        ("? {a: 1}\n: x\n", "f.yaml:1:3: a key must be a plain string, not a mapping or a list"),
        ("a: !!bool maybe\n", "f.yaml:1:4: bad bool value 'maybe'"),
        ("a: !!int 1.5\n", "f.yaml:1:4: bad int value '1.5'"),
        ("a: " + "9" * 5000 + "\n", f"f.yaml:1:4: number '{'9' * 40}…' has too many digits"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2:1: only one YAML document is allowed"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2: YAML syntax error: did not find expected ',' or ']'"),
        ("a: x\x00y\n", "f.yaml:1: YAML error: character '\\x00' is not allowed"),
        ("[" * (MAX_DEPTH + 6) + "]" * (MAX_DEPTH + 6), "f.yaml:1:65: nesting is deeper than 64 levels"),
    ],
    ids=lambda v: v if len(v) < 30 else v[:30],
)
def test_what_a_file_may_not_do_is_one_message_at_its_place(text: str, message: str) -> None:
    assert refusal(text) == message


@pytest.mark.slow
def test_values_past_the_limit_are_refused_before_they_take_the_memory() -> None:
    text = "[" + "0," * MAX_NODES + "0]"
    assert refusal(text) == "f.yaml:1:50000: file holds more than 25000 values; refused to protect memory"


def test_the_files_of_one_catalog_share_one_budget_of_values() -> None:
    with node_budget(5):
        parse_text("[1, 2]", "a.yaml")  # three values: the list and its two items
        assert refusal("[1, 2]", "b.yaml") == "b.yaml:1:5: the rules and questions files hold too many values together"
    assert parse_text("[1, 2]", "b.yaml") == [1, 2]  # outside the block: each file on its own


def test_scalars_read_as_yaml_1_1_but_dates_stay_text() -> None:
    text = "a: yes\nb: on\nc: 0x1F\nd: 010\ne: 1_000\nf: ~\ng: 2025-01-02\nh: 2025-01-02T10:00:00Z\n"
    assert parse_text(text, "f.yaml") == {
        "a": True,
        "b": True,
        "c": 31,
        "d": 8,
        "e": 1000,
        "f": None,
        "g": "2025-01-02",
        "h": "2025-01-02T10:00:00Z",
    }


def test_an_empty_rules_or_questions_file_is_a_mistake_but_an_empty_text_is_none() -> None:
    assert parse_text("# only a comment\n", "f.yaml") is None
    with pytest.raises(YamlError) as err:
        parse_document("# only a comment\n", "f.yaml")
    assert str(err.value) == "f.yaml:1: the file is empty (see docs/rules.md for what it holds)"
