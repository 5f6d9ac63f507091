"""Translation memory: TMX written valid against the TMX 1.4b DTD and read back, built from aligned
releases with mt check's errors left out, used by mt translate before any model (and held to the
glossary), and exported as CSV."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.translation.memory import (
    MemoryEntry,
    TranslationMemory,
    normalise,
    read_tmx,
    write_csv,
    write_tmx,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DTD = Path(__file__).parent / "schemas" / "tmx14.dtd"


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def valid_tmx(path: Path) -> bool:
    from lxml import etree

    dtd = etree.DTD(str(DTD))
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return dtd.validate(etree.parse(str(path), parser))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("De  Coalitie\u00a0vergadert. ", "De Coalitie vergadert."),
        ("\u201eDaesh is verslagen\u201d, zei hij.", '"Daesh is verslagen", zei hij.'),
        ("\u2018t Is zo\u2019", "'t Is zo'"),
        ("\n\tRome\n", "Rome"),
    ],
)
def test_lookup_key_normalises_whitespace_and_quotes(text, key):
    assert normalise(text) == key
    memory = TranslationMemory([MemoryEntry(key, "x", "fr")])
    assert memory.lookup(text, "fr") is not None
    assert memory.lookup(text, "de") is None


def test_tmx_round_trip_and_dtd(tmp_path):
    entries = [
        MemoryEntry("A & <b> \u201cc\u201d", "A & <b> « c »", "fr", "r/2024.nl.md", 3),
        MemoryEntry("Rome", "Rom", "de"),
    ]
    path = tmp_path / "m.tmx"
    path.write_text(write_tmx(entries), encoding="utf-8")
    assert valid_tmx(path)
    assert read_tmx(path) == entries
    assert write_csv(entries, "fr").splitlines() == ["nl,fr", "A & <b> \u201cc\u201d,A & <b> « c »"]


def test_a_cat_tools_codes_are_not_text(tmp_path):
    path = tmp_path / "cat.tmx"
    path.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="nl-BE" '
        'datatype="html"/><body><tu><tuv xml:lang="nl-BE"><seg>De <bpt i="1">&lt;b&gt;</bpt>'
        'Coalitie<ept i="1">&lt;/b&gt;</ept> vergadert.</seg></tuv><tuv xml:lang="fr-BE"><seg>'
        "La <hi>Coalition</hi> se réunit.<ph>&lt;br/&gt;</ph></seg></tuv></tu></body></tmx>",
        encoding="utf-8",
    )
    (entry,) = read_tmx(path)
    assert (entry.source, entry.target, entry.lang) == (
        "De Coalitie vergadert.",
        "La Coalition se réunit.",
        "fr",
    )
    # the codes kept apart, as placeholders; the target's <br/> is its own (no x, not a pair)
    assert entry.markup is not None
    assert (entry.markup.source, entry.markup.target) == (
        "De <1>Coalitie</1> vergadert.",
        "La Coalition se réunit.<2/>",
    )
    assert dict(entry.markup.source_codes) == {"<1>": "<b>", "</1>": "</b>"}
    memory = TranslationMemory([entry])
    assert memory.lookup("De  Coalitie vergadert.", "fr").target == "La Coalition se réunit."
    # a sentence with the markup: the <br/> has no place in it, so no match
    assert memory.lookup("De <3>Coalitie</3> vergadert.", "fr") is None


def broken_release(tmp_path: Path) -> tuple[Path, Path]:
    """The example release and its French translation with one figure changed (an error)."""
    source = tmp_path / "release.nl.txt"
    target = tmp_path / "release.fr.txt"
    shutil.copy(EXAMPLES / "release.nl.txt", source)
    french = (EXAMPLES / "release.fr.txt").read_text(encoding="utf-8")
    assert french.count("670 millions") == 1
    target.write_text(french.replace("670 millions", "760 millions"), encoding="utf-8")
    return source, target


def test_build_leaves_out_errors_and_counts_them(tmp_path):
    source, target = broken_release(tmp_path)
    memory = tmp_path / "memory.tmx"
    result = run(["memory", "build", str(source), str(target), "-o", str(memory), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["excluded"] == 1 and counts["pairs"] == 11 and counts["duplicates"] == 0
    assert counts["entries"] > counts["pairs"] - 1  # paragraphs split into sentence pairs
    assert valid_tmx(memory)
    entries = read_tmx(memory)
    assert all(entry.lang == "fr" and entry.document == str(source) for entry in entries)
    assert not any("760" in entry.target for entry in entries)
    assert any("12 mars 2024" in entry.target for entry in entries)
    assert {entry.line for entry in entries} <= set(range(1, 30))

    archive = tmp_path / "archive"
    for copy in ("2023", "2024"):  # the same release twice: each sentence pair once
        (archive / copy).mkdir(parents=True)
        shutil.copy(source, archive / copy)
        shutil.copy(target, archive / copy)
    again = run(["memory", "build", str(archive), "-o", str(tmp_path / "a.tmx"), "--json"])
    assert again.exit_code == 0, again.output
    twice = json.loads(again.stdout)
    assert twice["entries"] == counts["entries"] and twice["duplicates"] == counts["entries"]

    csv = tmp_path / "memory.csv"
    exported = run(["memory", "export", str(memory), "-o", str(csv)])
    assert exported.exit_code == 0, exported.output
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "nl,fr" and len(lines) == len(entries) + 1


def test_a_rerun_is_served_by_the_memory_without_a_model(tmp_path, tiny_model_dir):
    memory = tmp_path / "memory.tmx"
    built = run(
        ["memory", "build", str(EXAMPLES / "release.nl.txt"), str(EXAMPLES / "release.fr.txt")]
        + [str(EXAMPLES / "release.de.txt"), "-o", str(memory)]
    )
    assert built.exit_code == 0, built.output
    result = run(
        ["translate", str(EXAMPLES / "release.nl.txt"), "--to", "fr,de", "--out", str(tmp_path)]
        + [f"--model=fr={tiny_model_dir}", f"--model=de={tiny_model_dir}", "--backend=torch"]
        + ["--memory", str(memory), "--cache", str(tmp_path / "c.sqlite3"), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory_hits"] == summary["segments"] > 0
    assert summary["translated"] == 0 and summary["cache_hits"] == 0
    assert summary["models"] == {}  # no model loaded
    assert all(doc["memory_hits"] == doc["segments"] for doc in summary["files"])
    for lang in ("fr", "de"):
        written = (tmp_path / f"release.{lang}.txt").read_text(encoding="utf-8")
        human = (EXAMPLES / f"release.{lang}.txt").read_text(encoding="utf-8")
        assert written.split() == human.split()


def test_a_match_that_breaks_the_glossary_is_set_aside(tmp_path, tiny_model_dir):
    from mt.translation.pipeline import TranslateOptions, Translator

    memory = tmp_path / "m.tmx"
    entries = [
        MemoryEntry("Daesh is verslagen.", "L'État islamique est vaincu.", "fr"),  # forbidden
        MemoryEntry("Rome is mooi.", "Rome est belle.", "fr"),
    ]
    memory.write_text(write_tmx(entries), encoding="utf-8")
    options = TranslateOptions(
        models={"fr": str(tiny_model_dir)},
        backend="torch",
        max_new_tokens=12,
        memories=(memory,),
        use_cache=False,
    )
    with Translator(options) as translator:
        result = translator.translate_segments(["Daesh is verslagen.", "Rome is mooi."], "fr")
    assert result.from_memory == (False, True)
    assert result.translations[1] == "Rome est belle."
    # machine-translated instead, the term enforced by the decoder
    assert [(o.entry_id, o.status) for o in result.outcomes[0]] == [("daesh", "applied")]
    assert any("breaks the glossary" in w and "État islamique" in w for w in translator.warnings)

    check = TranslateOptions(**{**options.__dict__, "terms": "check"})
    with Translator(check) as translator:
        result = translator.translate_segments(["Daesh is verslagen."], "fr")
    assert result.from_memory == (True,)  # used, and its term report says what it breaks
    statuses = {o.status for o in result.outcomes[0]}
    assert statuses == {"missing", "forbidden"}
    assert any(o.source_text.startswith("État islamique") for o in result.outcomes[0])


def test_memory_from_the_config(tmp_path, monkeypatch):
    from mt.core.config import load_config
    from mt.translation.pipeline import TranslateOptions, Translator

    (tmp_path / "tm").mkdir()
    (tmp_path / "tm" / "a.tmx").write_text(
        write_tmx([MemoryEntry("Rome", "Rome", "fr")]), encoding="utf-8"
    )
    (tmp_path / ".mt.toml").write_text('[translate]\nmemory = ["tm/a.tmx"]\n', encoding="utf-8")
    config = load_config(start=tmp_path)
    translator = Translator(TranslateOptions(config=config))
    assert len(translator.memory) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html/>", "not a TMX file"),
        ("<tmx><body>", "not well-formed XML"),
    ],
)
def test_bad_memories_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.tmx"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["memory", "export", str(path), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert message in result.stderr and str(path) in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_build_from_a_returned_xliff_job(tmp_path):
    job = Path(__file__).parent / "data" / "xliff" / "release-12.nl.xlf"
    memory = tmp_path / "m.tmx"
    result = run(["memory", "build", str(job), "-o", str(memory), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entries"] == 1  # the one unit with a target
    (entry,) = read_tmx(memory)
    assert (entry.lang, entry.document, entry.line) == ("fr", str(job), 21)
    assert entry.target.startswith("Lisez le rapport complet")
    assert valid_tmx(memory)


ROME = "De Coalitie vergadert in Rome."


@pytest.mark.parametrize(
    ("files", "kept", "conflicts"),
    [
        # one TMX holding two translations of a sentence: the earlier tu wins
        (
            [[("La Coalition se réunit à Rome.", "fr"), ("La coalition siège à Rome.", "fr")]],
            "La Coalition se réunit à Rome.",
            1,
        ),
        # across --memory files: the first file wins
        (
            [[("La coalition siège à Rome.", "fr")], [("La Coalition se réunit à Rome.", "fr")]],
            "La coalition siège à Rome.",
            1,
        ),
        # the same translation twice (whitespace aside), or another language: no conflict
        (
            [
                [("La Coalition se réunit à Rome.", "fr")],
                [("La  Coalition se réunit à Rome. ", "fr"), ("Die Koalition tagt in Rom.", "de")],
            ],
            "La Coalition se réunit à Rome.",
            0,
        ),
    ],
    ids=["one-file", "two-files", "none"],
)
def test_conflicts_are_counted_and_the_first_wins(tmp_path, files, kept, conflicts):
    from mt.translation.memory import describe_conflicts, load_memories

    paths = []
    for number, entries in enumerate(files):
        path = tmp_path / f"m{number}.tmx"
        path.write_text(
            write_tmx([MemoryEntry(ROME, target, lang, "r.md", 3) for target, lang in entries]),
            encoding="utf-8",
        )
        paths.append(path)
    memory = load_memories(paths)
    assert memory.lookup(ROME, "fr").target == kept
    assert memory.conflicts == conflicts == len(memory.conflicting)
    if conflicts:
        (conflict,) = memory.conflicting
        assert conflict.kept.target == kept and conflict.kept_from == str(paths[0])
        text = describe_conflicts(memory.conflicting)
        assert text.startswith("1 Dutch sentence with different translations (1 set aside)")
        assert f"kept from {paths[0]} (1)" in text and repr(kept) in text


def conflicting_memories(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "2024.tmx", tmp_path / "2023.tmx"
    first.write_text(
        write_tmx(
            [
                MemoryEntry(ROME, "La Coalition se réunit à Rome.", "fr", "r24.md", 3),
                MemoryEntry("Rome is mooi.", "Rome est belle.", "fr"),
            ]
        ),
        encoding="utf-8",
    )
    second.write_text(
        write_tmx(
            [
                MemoryEntry(ROME, "La coalition siège à Rome.", "fr", "r23.md", 5),
                MemoryEntry("Rome is mooi.", "Rome ist schön.", "de"),
            ]
        ),
        encoding="utf-8",
    )
    return first, second


def test_translate_warns_once_of_the_conflicts(tmp_path, any_model_dir):
    first, second = conflicting_memories(tmp_path)
    source = tmp_path / "r.nl.txt"
    source.write_text(f"{ROME}\n\nRome is mooi.\n", encoding="utf-8")
    result = run(
        ["translate", str(source), "--to", "fr", f"--model=fr={any_model_dir}", "--backend=torch"]
        + ["--memory", str(first), "--memory", str(second), "--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory_conflicts"] == 1 and summary["memory_hits"] == 2
    warnings = [w for w in summary["warnings"] if "different translations" in w]
    assert len(warnings) == 1 and f"kept from {first} (1)" in warnings[0]
    assert result.stderr.count("different translations") == 1
    written = (tmp_path / "r.fr.txt").read_text(encoding="utf-8")
    assert "La Coalition se réunit à Rome." in written and "siège" not in written


def test_build_reports_conflicts(tmp_path):
    folder = tmp_path / "archive"
    for year, french in (
        ("2023", "La coalition siège à Rome."),
        ("2024", "La Coalition se réunit à Rome."),
    ):
        (folder / year).mkdir(parents=True)
        (folder / year / "r.nl.txt").write_text(f"{ROME}\n", encoding="utf-8")
        (folder / year / "r.fr.txt").write_text(f"{french}\n", encoding="utf-8")
    memory = tmp_path / "m.tmx"
    args = ["memory", "build", str(folder), "-o", str(memory), "--no-glossary"]
    result = run([*args, "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["entries"] == 2 and counts["conflicts"] == 1
    (conflict,) = counts["conflicting"]
    assert conflict["source"] == ROME and conflict["lang"] == "fr"
    assert conflict["kept"]["target"] == "La coalition siège à Rome."  # 2023 is met first
    assert conflict["kept"]["document"] == str(folder / "2023" / "r.nl.txt")
    assert conflict["other"]["target"] == "La Coalition se réunit à Rome."
    assert valid_tmx(memory) and len(read_tmx(memory)) == 2  # both written

    text = run(args)
    assert text.exit_code == 0
    assert "1 Dutch sentence with different translations (1 set aside)" in text.stderr
    assert "'La coalition siège à Rome.'" in text.stderr


@pytest.mark.parametrize(
    ("output", "rows", "message"),
    [
        ("all.tmx", 4, "all written, in order"),
        ("fr.csv", 3, "only the first written"),  # the header, then one row per sentence
    ],
)
def test_export_keeps_or_names_the_conflicts(tmp_path, output, rows, message):
    first, second = conflicting_memories(tmp_path)
    target = tmp_path / output
    result = run(["memory", "export", str(first), str(second), "-o", str(target), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "1 Dutch sentence with different translations" in result.stderr
    assert message in result.stderr
    if output.endswith(".tmx"):
        assert valid_tmx(target)
        entries = read_tmx(target)
        assert len(entries) == rows
        from mt.translation.memory import load_memories

        again = load_memories([target])  # read back, the same translation wins
        assert again.lookup(ROME, "fr").target == "La Coalition se réunit à Rome."
        assert again.conflicts == 1
    else:
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == rows and f"{ROME},La Coalition se réunit à Rome." in lines


def test_build_from_a_folder_takes_its_xliff_jobs(tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    data = Path(__file__).parent / "data" / "xliff"
    shutil.copy(data / "release-12.nl.xlf", folder / "job-12.fr.xlf")  # one unit translated
    shutil.copy(data / "release-20.nl.xlf", folder / "job-20.xlf")  # no target language...
    text = (folder / "job-20.xlf").read_text(encoding="utf-8")  # ...and now no target either
    (folder / "job-20.xlf").write_text(
        text.replace('<target>L\'argent va à l\'Irak.<ph id="2" dataRef="d3"/></target>', ""),
        encoding="utf-8",
    )
    memory = tmp_path / "m.tmx"
    result = run(["memory", "build", str(folder), "-o", str(memory), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["documents"], counts["entries"]) == (2, 1)
    (entry,) = read_tmx(memory)
    assert entry.markup is not None and entry.markup.source.endswith("<1/>op de website.")
    assert '<ph x="1">&lt;x id="2" ctype="lb"/&gt;</ph>' in memory.read_text(encoding="utf-8")
