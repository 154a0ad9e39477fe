"""Bad input gets a one-line message, never a traceback; a batch keeps its good files."""
import json

import pytest

from sitroom import cli
from sitroom.reading import BadInput, decode, language_of, prepare

FRENCH = ("Selon la protection civile, au moins douze personnes ont été tuées jeudi "
          "dans le bombardement d'un marché de Kherson, dans le sud de l'Ukraine.\n")


def run(capsys, *argv):
    code = cli.main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("content, message", [
    (b"", "empty report"),
    (b"   \n\t \n", "empty report"),
    (bytes(range(256)) * 40, "binary file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200, "binary file"),
    ("The minister said on Monday that the talks would resume in Geneva next week.".encode(),
     "not a report in a language sitroom reads"),
])
def test_bad_file_gets_one_line_and_nonzero_exit(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert any(message in line for line in lines)
    assert "Traceback" not in err


def test_latin1_report_is_decoded_and_said(tmp_path, capsys):
    path = tmp_path / "latin1.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    code, out, err = run(capsys, str(path), "--date", "2022-11-10")
    assert code == 0
    record = json.loads(out)
    assert "Kherson" in FRENCH[record["places"][0]["start"]:record["places"][0]["end"]] if record["places"] else True
    assert "not UTF-8" in err


def test_html_report_is_read_as_text(tmp_path, capsys):
    html = ("<!DOCTYPE html><html><head><title>Kherson sous les bombes</title>"
            "<script>alert('x')</script></head><body><nav>Accueil | Monde</nav>"
            f"<article><h1>Kherson sous les bombes</h1><p>{FRENCH}</p>"
            "<p>Les secours ont évacué une trentaine de blessés vers Mykolaïv dans la soirée.</p>"
            "</article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    code, out, err = run(capsys, str(path), "--date", "2022-11-10")
    assert code == 0
    record = json.loads(out)
    assert "HTML given" in err
    assert "alert" not in json.dumps(record)


def test_huge_report_is_cut_with_a_warning(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    path.write_text(FRENCH * (5_000_000 // len(FRENCH) + 1), encoding="utf-8")
    assert path.stat().st_size >= 5_000_000
    code, out, err = run(capsys, str(path), "--date", "2022-11-10", "--format", "jsonl")
    assert code == 0
    assert "only the first" in err
    assert json.loads(out)["figures"] is not None


def test_batch_keeps_good_files(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(FRENCH, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = run(capsys, str(empty), str(good), str(binary), "--date", "2022-11-10")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["good"]
    assert len(err.strip().splitlines()) == 2


def test_jsonl_batch_keeps_ids_and_skips_bad_lines(tmp_path, capsys):
    batch = tmp_path / "reports.jsonl"
    lines = [json.dumps({"id": "a1", "text": FRENCH, "date": "2022-11-10"}),
             "{not json",
             json.dumps({"id": "a2", "title": "no text here"}),
             json.dumps({"id": "a3", "text": FRENCH})]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, str(batch))
    assert code == 0
    assert [json.loads(l)["id"] for l in out.splitlines()] == ["a1", "a3"]
    assert "not a JSON object" in err and 'no "text"' in err


def test_bad_date_option(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(FRENCH, encoding="utf-8")
    code, _, err = run(capsys, str(path), "--date", "15/12/2016")
    assert code == 2 and "not a date" in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "/nonexistent/report.txt")
    assert code == 1 and "cannot read" in err


def test_helpers_directly():
    with pytest.raises(BadInput):
        decode(b"  ")
    assert decode("café".encode("utf-8"))[1] is None
    assert language_of(FRENCH) == "fr"
    assert prepare(FRENCH).lang == "fr"


def test_short_latin1_french_is_not_misread_as_central_european():
    text, note = decode("Les sœurs sont arrivées à Gao jeudi, selon la police.".encode("cp1252"))
    assert text.startswith("Les sœurs sont arrivées à Gao") and "cp1252" in note


@pytest.mark.parametrize("argv, message", [
    (["report", "--db", "{tmp}/missing.db"], "no store here"),
    (["export", "--db", "nosuchdialect://x/y", "--format", "csv"], "NoSuchModuleError"),
    (["report", "--db", "{tmp}/r.txt", "--since", "hier"], "is not a date"),
    (["eval", "{tmp}/r.txt"], "JSONDecodeError"),
])
def test_command_errors_are_one_line(tmp_path, capsys, argv, message):
    (tmp_path / "r.txt").write_text(FRENCH, encoding="utf-8")
    code = cli.main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["extract", "x.txt", "--processes", "0"], ["serve", "--port", "99999"],
                                  ["batch", "x.jsonl", "--out", "o", "--shard-size", "-1"]])
def test_out_of_range_numbers_are_refused(argv):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(encoding):
    sentence = "Les sœurs sont arrivées à Gao jeudi, selon la police."
    data = sentence.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    text, note = decode(data)
    assert text == sentence and note is None


def test_a_null_id_in_jsonl_is_the_line_number_never_none(tmp_path, capsys):
    from sitroom.cli import main
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": null, "text": "Des tirs ont fait deux morts mardi à Bunia, selon la police."}\n',
                    encoding="utf-8")
    assert main(["extract", str(path), "--format", "jsonl", "--date", "2024-03-05"]) == 0
    assert '"id":"1"' in capsys.readouterr().out.replace(" ", "")


@pytest.mark.parametrize("text, date, error, words", [
    (None, None, TypeError, "not NoneType"),
    (b"Des tirs mardi.", None, TypeError, "not bytes"),
    ("  ", None, ValueError, "empty"),
    ("Des tirs ont visé Bunia mardi.", "2022-03-08 junk", ValueError, "not YYYY-MM-DD"),
])
def test_the_python_api_says_what_is_wrong(text, date, error, words):
    from sitroom import extract
    with pytest.raises(error, match=words):
        extract(text, date, lang="fr")
