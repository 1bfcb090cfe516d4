"""A real LanguageTool client against `webcare-lint serve`.

Usage: python lt_client.py http://127.0.0.1:PORT

Uses language_tool_python 3.4.0 with `remote_server=`, so it only talks to our server; the
download of LanguageTool is patched to fail, to prove it is never attempted. Exits non-zero
when an expectation fails.
"""

import sys

import language_tool_python
import language_tool_python.server as lt_server


def no_download(*_args, **_kwargs):
    raise SystemExit("language_tool_python tried to download LanguageTool; it must not")


lt_server.LocalLanguageTool.download = no_download

URL = sys.argv[1]
TEXT = "😀😀 Hoi Sanne! Bel even met onze klantenservice, die helpen je verder. ^Joris"
PHRASE = "Bel even met onze klantenservice"
results = []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    results.append(bool(ok))


tool = language_tool_python.LanguageTool("nl-NL", remote_server=URL)
try:
    print(f"server: {tool.url}  language: {tool.language}  remote: {tool.is_remote}")
    expect(tool.is_remote, "the tool uses the remote server only")
    matches = tool.check(TEXT)
    print(f"text: {TEXT!r}")
    for m in matches:
        flagged = TEXT[m.offset : m.offset + m.error_length]
        print(
            f"  match {m.rule_id} [{m.category}/{m.rule_issue_type}] "
            f"offset={m.offset} length={m.error_length} -> {flagged!r}"
        )
        print(f"    message: {m.message}")
    flagged = [TEXT[m.offset : m.offset + m.error_length] for m in matches]
    expect(PHRASE in flagged, f"text[m.offset : m.offset + m.error_length] == {PHRASE!r}")
    phone = [m for m in matches if m.rule_id == "channel/redirect-phone"]
    # The context's offset is in UTF-16 units too (language_tool_python adjusts only the
    # match offset, so its `matched_text` is off by one unit per emoji before the match).
    def utf16_slice(s, start, length):
        units = s.encode("utf-16-le")
        return units[2 * start : 2 * (start + length)].decode("utf-16-le")

    expect(
        bool(phone)
        and utf16_slice(phone[0].context, phone[0].offset_in_context, phone[0].error_length)
        == PHRASE,
        "the match's context (UTF-16 offsets) marks the same phrase",
    )
    expect(
        all(m.category for m in matches), "every match has a category (our pack id)"
    )

    tool.disabled_rules = {"channel/redirect-phone"}
    ids = {m.rule_id for m in tool.check(TEXT)}
    expect("channel/redirect-phone" not in ids, "disabled_rules drops the rule")
    tool.disabled_rules = set()

    tool.disabled_categories = {"channel"}
    ids = {m.rule_id for m in tool.check(TEXT)}
    expect(not any(i.startswith("channel/") for i in ids), "disabled_categories drops the pack")
    tool.disabled_categories = set()

    clean = "😀 Hoi Sanne! Ik heb je pakket nagekeken: het komt morgen voor 12:00. ^Joris"
    expect(tool.check(clean) == [], "a good draft gives no matches")
finally:
    tool.close()

failed = results.count(False)
print(f"language_tool_python: {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
