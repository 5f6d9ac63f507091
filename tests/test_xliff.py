"""XLIFF 1.2 and 2.x: units read with their inline codes, targets written as edits of the file's
text (everything else byte for byte), output valid against the OASIS schemas and readable by an
independent implementation (translate-toolkit)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from mt.core.errors import InputError
from mt.documents.model import _Numbers
from mt.documents.xliff import Fill, parse_xliff, read_xliff

DATA = Path(__file__).parent / "data" / "xliff"
SCHEMAS = Path(__file__).parent / "schemas"
JOB_1 = DATA / "release-12.nl.xlf"
JOB_2 = DATA / "release-20.nl.xlf"


def spell(template: str) -> str:
    """``template`` with ``<n>``, ``</n>`` and ``<n/>`` written as the documents' placeholders
    spell them (their spelling belongs to mt.documents.model, not to these tests)."""

    def placeholder(match: re.Match[str]) -> str:
        numbers = _Numbers()
        numbers.last = int(match.group(2)) - 1
        if match.group(3):
            return numbers.atom(["x"])[0]
        opener, closer, _ = numbers.pair(["x"], ["y"])
        return closer if match.group(1) else opener

    return re.sub(r"<(/?)(\d+)(/?)>", placeholder, template)


def spelled(values):
    """``spell`` over strings in a nested tuple or list."""
    if isinstance(values, str):
        return spell(values)
    if isinstance(values, (tuple, list)):
        return type(values)(spelled(value) for value in values)
    return values


def only_added(before: str, after: str) -> None:
    """What changed from ``before`` to ``after``: text inserted (targets, states, notes, the target
    language), and each empty ``<target/>`` opened; nothing of ``before`` removed or altered."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            assert before[i1:i2] in ("/>", " />", "/"), before[i1 - 40 : i2 + 40]


def schema(version: str):
    xmlschema = pytest.importorskip("xmlschema")
    if version == "1.2":
        loaded = xmlschema.XMLSchema(str(SCHEMAS / "xliff-core-1.2-strict.xsd"))
        # the strict schema checks other namespaces' elements too: our made-up CAT tool's
        loaded.import_schema("urn:example:cat-tool", str(SCHEMAS / "example-cat-tool.xsd"))
        loaded.build()
        return loaded
    return xmlschema.XMLSchema(str(SCHEMAS / "xliff-core-2.0-mt.xsd"))


def oracle(text: str, version: str):
    """The units as translate-toolkit (an independent XLIFF implementation) reads them."""
    pytest.importorskip("translate.storage.xliff")
    from translate.storage import xliff, xliff2

    kind = xliff.xlifffile if version == "1.2" else xliff2.Xliff2File
    return kind.parsestring(text.encode("utf-8")).units


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            JOB_1,
            [
                ("1", "Coalitie tegen Daesh vergadert in Rome", (), None, True),
                (
                    "2",
                    "De minister van Buitenlandse Zaken maakte <1>18 miljoen euro</1> vrij voor "
                    "stabilisatie in Irak.",
                    ("<1>", "</1>"),
                    None,
                    True,
                ),
                (
                    "3",
                    "Lees het volledige verslag<1/>op de website.",
                    ("<1/>",),
                    "Lisez le rapport complet<1/>sur le site.",
                    True,
                ),
                (
                    "4",
                    "Meer informatie: <1/>diplomatie.belgium.be<2/> & <3/>",
                    ("<1/>", "<2/>", "<3/>"),
                    None,
                    True,
                ),
                (
                    "5",
                    "Buitenlandse Zaken, Buitenlandse Handel en Ontwikkelingssamenwerking",
                    (),
                    None,
                    False,
                ),
                (
                    "6",
                    "De <1>F-16's</1> keren terug naar <2/>Florennes.",
                    ("<1>", "</1>", "<2/>"),
                    None,
                    True,
                ),
                ("7", "2024", (), None, True),
            ],
        ),
        (
            JOB_2,
            [
                ("title", "Coalitie tegen Daesh vergadert in Rome", (), None, True),
                (
                    "p1/s1",
                    "De minister maakte <1>18 miljoen euro</1> vrij.",
                    ("<1>", "</1>"),
                    None,
                    True,
                ),
                (
                    "p1/s2",
                    "Het geld gaat naar Irak.<1/>",
                    ("<1/>",),
                    "L'argent va à l'Irak.<1/>",
                    True,
                ),
                (
                    "p2",
                    "Meer informatie op <1/>de website<2/> & bij de <3>woordvoerder</3>.",
                    ("<1/>", "<2/>", "<3>", "</3>"),
                    None,
                    True,
                ),
                (
                    "p3",
                    "Buitenlandse Zaken, Buitenlandse Handel en Ontwikkelingssamenwerking",
                    (),
                    None,
                    False,
                ),
            ],
        ),
    ],
    ids=["1.2", "2.0"],
)
def test_units_codes_targets_and_translate_no(path, expected):
    document = read_xliff(path)
    got = [
        (
            unit.id,
            unit.source.text,
            unit.source.protected,
            unit.target.text if unit.target else None,
            unit.translatable,
        )
        for unit in document.units
    ]
    assert got == spelled(expected)
    assert document.source_lang == "nl"


def test_languages_and_what_is_pending():
    one, two = read_xliff(JOB_1), read_xliff(JOB_2)
    assert (one.version, one.target_lang) == ("1.2", "fr")  # fr-BE: the model's language
    assert (two.version, two.target_lang) == ("2.0", None)
    # translated, translate="no" and word-less ("2024") units are not pending
    assert [one.units[i].id for i in one.pending()] == ["1", "2", "4", "6"]
    assert [one.units[i].id for i in one.pending(retranslate=True)] == ["1", "2", "3", "4", "6"]
    assert [two.units[i].id for i in two.pending()] == ["title", "p1/s1", "p2"]


def shuffled(text: str) -> str:
    """A 'translation' that moves the codes around, as a model may."""
    return text.upper().replace(spell("<1>"), "« " + spell("<1>")).replace(" ", "  ", 1)


@pytest.mark.parametrize(("path", "version"), [(JOB_1, "1.2"), (JOB_2, "2.0")], ids=["1.2", "2.0"])
def test_render_changes_only_targets_states_notes_and_validates(path, version):
    document = read_xliff(path)
    pending = document.pending()
    fills = {
        index: Fill(shuffled(document.units[index].source.text), origin, f"note {index} & <ok>")
        for index, origin in zip(pending, ["mt", "memory", "mt", "mt"], strict=False)
    }
    out = document.render(fills, "fr")
    assert document.render({}, "fr") == document.text  # nothing to fill: byte for byte

    only_added(document.text, out)

    schema(version).validate(out)  # raises on the first problem
    units = oracle(out, version)
    targets = {unit.source: unit.target for unit in units}
    assert targets["Buitenlandse Zaken, Buitenlandse Handel en Ontwikkelingssamenwerking"] in (
        None,
        "",
    )
    written = parse_xliff(out.encode(), "out")
    for index in fills:
        unit = written.units[index]
        assert unit.target is not None
        # every code of the source is back (read back as the source's placeholders)
        for placeholder in unit.source.protected:
            assert placeholder in unit.target.text
    if version == "1.2":
        assert 'state="needs-review-translation" state-qualifier="leveraged-mt"' in out
        assert 'state="translated" state-qualifier="exact-match"' in out
        assert '<g id="1" ctype="bold">' in out.split("</source>", 2)[1]
        assert out.count('<note from="mt">') == len(fills)
    else:
        assert 'state="initial" subState="mt:machine-translation"' in out
        assert 'state="translated" subState="mt:exact-match"' in out
        assert 'trgLang="fr"' in out
        assert out.count('<note category="mt">') == len(fills)
    assert "note 1 &amp; &lt;ok&gt;" in out or "&amp; &lt;ok&gt;" in out


def test_a_code_the_translation_lost_is_appended_never_dropped():
    document = read_xliff(JOB_1)
    index = next(i for i, unit in enumerate(document.units) if unit.id == "4")
    out = document.render({index: Fill("Plus d'informations.", "mt", "")}, "fr")
    target = out.split('<trans-unit id="4">', 1)[1].split("</target>", 1)[0].split("<target", 1)[1]
    assert target.startswith(' state="needs-review-translation"')  # (the <target/> it had)
    for code in ('<bpt id="3">', '<ept id="3">', '<ph id="4">{contact}</ph>'):
        assert code in target


def test_a_rerun_replaces_its_own_note_and_target():
    document = read_xliff(JOB_2)
    index = document.pending()[0]
    once = document.render({index: Fill("Première", "mt", "first")}, "fr")
    again = parse_xliff(once.encode(), "once")
    assert again.pending() == document.pending()[1:]
    twice = again.render({index: Fill("Deuxième", "memory", "second")}, "fr")
    assert twice.count('category="mt"') == 1 and "second" in twice and "first" not in twice
    assert "Deuxième" in twice and "Première" not in twice
    assert twice.count('trgLang="fr"') == 1
    schema("2.0").validate(twice)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"<html/>", "not an XLIFF 1.2 or 2.x file"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n<file', "line 2"),
        (
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"'
            b' version="2.0" srcLang="nl"/>',
            "refused for safety",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">'
            b'<file id="f"><unit id="u"><segment><source>Hi</source></segment></unit></file>'
            b"</xliff>",
            "the source language is en; mt translates from Dutch",
        ),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
            b'<file source-language="nl" target-language="fr" datatype="plaintext" original="a">'
            b'<body/></file><file source-language="nl" target-language="de" datatype="plaintext" '
            b'original="b"><body/></file></xliff>',
            "several target languages (de, fr)",
        ),
    ],
    ids=["not-xliff", "malformed", "entities", "not-dutch", "two-targets"],
)
def test_bad_files_are_refused_with_where(text, message):
    with pytest.raises(InputError) as caught:
        parse_xliff(text, "job.xlf")
    assert message in str(caught.value)
    assert str(caught.value).startswith("job.xlf")


def test_units_on_one_line_stay_on_one_line():
    text = (
        '<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
        'version="1.2"><file source-language="nl" datatype="plaintext" original="a"><body>'
        '<trans-unit id="1"><source>Goedemorgen</source></trans-unit></body></file></xliff>'
    )
    document = parse_xliff(text.encode(), "a.xlf")
    out = document.render({0: Fill("Bonjour", "mt", "n")}, "fr")
    assert out.count("\n") == text.count("\n")
    assert 'target-language="fr"' in out
    assert (
        '<source>Goedemorgen</source><target state="needs-review-translation" '
        'state-qualifier="leveraged-mt">Bonjour</target><note from="mt">n</note>'
    ) in out
    schema("1.2").validate(out)


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_a_file_in_another_encoding_is_written_as_utf8_saying_so(encoding):
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<xliff version="1.2" '
        'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="nl" '
        'target-language="fr" datatype="plaintext" original="a"><body><trans-unit id="1">'
        "<source>Één coöperatie</source></trans-unit></body></file></xliff>"
    )
    document = parse_xliff(text.encode(encoding), "a.xlf")
    assert document.units[0].source.text == "Één coöperatie"
    out = document.render({0: Fill("Une coopérative", "mt", "n")}, "fr")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    again = parse_xliff(out.encode("utf-8"), "b.xlf")
    assert again.units[0].target.text == "Une coopérative"


JOB_SEG = DATA / "release-31.nl.xlf"  # segmented as Trados Studio and memoQ write it


def test_segmented_units_are_read_segment_by_segment():
    document = read_xliff(JOB_SEG)
    got = [
        (unit.id, unit.segment, unit.source.text, unit.target.text if unit.target else None)
        for unit in document.units
        if unit.translatable
    ]
    assert got == spelled(
        [
            ("u1/1", "1", "De Coalitie vergadert in Rome.", None),
            ("u1/2", "2", "De minister maakte <1>18 miljoen euro</1> vrij.", None),
            ("u2/3", "3", "Lees het verslag<1/>op de website.", "Lisez le rapport<1/>sur le site."),
            ("u2/4", "4", "Het geld gaat naar Irak.", None),  # its <mrk/> is empty
            ("u2/5", "5", "2024", "2024"),
            ("u3/6", "6", "Meer informatie bij de <1>woordvoerder</1>.", None),
            ("u3/7", "7", "Bel ons.", None),
            ("u5/10", "10", "Daesh is verslagen.", None),  # an empty <target/>
            ("u5/11", "11", "De <1/>F-16's keren terug.", None),
            # a target not written by segment: the unit read whole, as it was translated
            ("u6", "", "Tot ziens. Dank u.", "Au revoir. Merci."),
        ]
    )
    assert [unit.id for unit in document.units if not unit.translatable] == ["u4/8", "u4/9"]
    pending = [document.units[i].id for i in document.pending()]
    assert pending == ["u1/1", "u1/2", "u2/4", "u3/6", "u3/7", "u5/10", "u5/11"]
    again = [document.units[i].id for i in document.pending(retranslate=True)]
    assert again == [*pending[:2], "u2/3", *pending[2:], "u6"]


def between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("retranslate", [False, True], ids=["pending", "retranslate"])
def test_segmented_targets_keep_the_mids_and_validate(retranslate):
    document = read_xliff(JOB_SEG)
    origins = {"u1/1": "memory", "u2/3": "memory"}  # every other segment: machine translation
    fills = {
        index: Fill(
            shuffled(document.units[index].source.text),
            origins.get(document.units[index].id, "mt"),
            f"note {document.units[index].id}",
        )
        for index in document.pending(retranslate)
    }
    out = document.render(fills, "fr")
    if not retranslate:  # (retranslated, the targets there are replaced)
        only_added(document.text, out)
    schema("1.2").validate(out)

    written = parse_xliff(out.encode(), "out")
    assert [unit.id for unit in written.units] == [unit.id for unit in document.units]
    targets = {unit.id: unit.target.text if unit.target else None for unit in written.units}
    for index, fill in fills.items():
        assert targets[document.units[index].id] == fill.translation
    # a new target is the seg-source's structure: its mrks (same mids), what stands between them
    u1 = between(out, '<trans-unit id="u1"', "</trans-unit>")
    assert re.search(
        r'<target state="needs-review-translation" state-qualifier="leveraged-mt">'
        r'<mrk mtype="seg" mid="1">DE  COALITIE.*</mrk> <mrk mtype="seg" mid="2">DE .*'
        r'<g id="1" ctype="bold">18 MILJOEN EURO</g>.*</mrk></target>',
        u1,
    ), u1
    u3 = between(out, '<trans-unit id="u3"', "</trans-unit>")
    assert re.search(
        r'<target [^>]*><g id="3"><mrk mtype="seg" mid="6">.*</mrk> '
        r'<mrk mtype="seg" mid="7">BEL  ONS\.</mrk></g></target>',
        u3,
    ), u3
    u2 = between(out, '<trans-unit id="u2"', "</trans-unit>")
    kept = "Lisez le rapport" in u2
    assert kept != retranslate  # segment 3 kept unless --retranslate
    assert (
        '<mrk mtype="seg" mid="4">HET  GELD' in u2 and '<mrk mtype="seg" mid="5">2024</mrk>' in u2
    )
    assert 'state="needs-review-translation"' in u2  # some of it is machine translation
    assert '<note from="reviewer">Segment 3 approved.</note>' in u2
    assert "segment 4: note u2/4" in u2
    u5 = between(out, '<trans-unit id="u5"', "</trans-unit>")
    assert '<mrk mtype="seg" mid="11">DE  <x id="5" ctype="image"/>F-16' in u5
    u6 = between(out, '<trans-unit id="u6"', "</trans-unit>")
    assert ("Au revoir" in u6) != retranslate
    units = oracle(out, "1.2")
    assert len(units) == 6
    assert [bool(unit.target) for unit in units] == [True, True, True, False, True, True]
    assert "WOORDVOERDER. BEL ONS." in units[2].target  # both segments, as the reader joins them


def test_a_segmented_unit_from_memory_alone_is_an_exact_match():
    document = read_xliff(JOB_SEG)
    index = {unit.id: i for i, unit in enumerate(document.units)}
    out = document.render(
        {index["u1/1"]: Fill("Un.", "memory", "a"), index["u1/2"]: Fill("Deux.", "memory", "b")},
        "fr",
    )
    u1 = between(out, '<trans-unit id="u1"', "</trans-unit>")
    assert 'state="translated" state-qualifier="exact-match"' in u1
    assert '<note from="mt">segment 1: a\nsegment 2: b</note>' in u1
    schema("1.2").validate(out)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # a target lacking some segments' marks: each added in the seg-source's order and spacing
        (
            '<target><mrk mtype="seg" mid="b">Deux.</mrk></target>',
            '<mrk mtype="seg" mid="a">A</mrk> <mrk mtype="seg" mid="b">Deux.</mrk> '
            '<mrk mtype="seg" mid="c">C</mrk>',
        ),
        # empty marks opened, the one translated kept
        (
            '<target><mrk mtype="seg" mid="a"/> <mrk mtype="seg" mid="b">Deux.</mrk> '
            '<mrk mtype="seg" mid="c"></mrk></target>',
            '<mrk mtype="seg" mid="a">A</mrk> <mrk mtype="seg" mid="b">Deux.</mrk> '
            '<mrk mtype="seg" mid="c">C</mrk>',
        ),
    ],
    ids=["missing-marks", "empty-marks"],
)
def test_a_segmented_target_is_completed_in_place(target, expected):
    text = (
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file '
        'source-language="nl" target-language="fr" datatype="plaintext" original="a"><body>'
        '<trans-unit id="1"><source>Een. Twee. Drie.</source><seg-source><mrk mtype="seg" '
        'mid="a">Een.</mrk> <mrk mtype="seg" mid="b">Twee.</mrk> <mrk mtype="seg" mid="c">Drie.'
        f"</mrk></seg-source>{target}</trans-unit></body></file></xliff>"
    )
    document = parse_xliff(text.encode(), "a.xlf")
    assert [document.units[i].segment for i in document.pending()] == ["a", "c"]
    fills = {i: Fill(document.units[i].segment.upper(), "mt", "") for i in document.pending()}
    out = document.render(fills, "fr")
    assert between(out, 'state-qualifier="leveraged-mt">', "</target>") == expected
    schema("1.2").validate(out)
