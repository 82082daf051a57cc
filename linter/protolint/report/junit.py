"""JUnit XML, for CI systems that chart test reports: one <testsuite> per file,
one <testcase> per rule, from its status (a <failure> when it failed or could
not run for want of a section, <skipped> saying which input it needs when it
was not checked) and one for the file's verdict, so a file that fails on its
score alone shows up too.  A file that could not be read is a
testsuite with one <error>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from protolint.results import NOT_CHECKED, PASSED, Finding, Problem, Result, Run, not_checked
from protolint.suppressions import UNUSED_SUPPRESSION

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry even escaped (control characters in a protocol's text)."""


def _finding_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.severity}: {finding.message}"


def _verdict_reasons(result: Result, failed_errors: list[str]) -> str:
    reasons = []
    if result.score < result.threshold:
        reasons.append(f"score {result.score:g} < threshold {result.threshold:g}")
    if failed_errors:
        reasons.append(f"error rule(s) failed: {', '.join(failed_errors)}")
    if result.missing_layers:
        reasons.append(f"missing layer(s): {', '.join(result.missing_layers)}")
    return "; ".join(reasons)


def _suite(result: Result) -> ET.Element:
    suite = ET.Element("testsuite", name=result.path)
    properties = ET.SubElement(suite, "properties")
    for name, value in (("pack", result.pack), ("verdict", result.verdict),
                        ("score", f"{result.score:g}"), ("threshold", f"{result.threshold:g}"),
                        ("missing_layers", ",".join(result.missing_layers))):
        ET.SubElement(properties, "property", name=name, value=value)

    failures, skipped, failed_errors = 0, 0, []
    for status in result.statuses:
        rule = status.rule
        case = ET.SubElement(suite, "testcase", classname=rule.layer, name=rule.id)
        if status.state == NOT_CHECKED:
            skipped += 1
            ET.SubElement(case, "skipped", message=not_checked([status]))
            continue
        if status.state == PASSED:
            continue
        failures += 1
        if rule.severity == "error":
            failed_errors.append(rule.id)
        findings = status.findings
        if findings:
            message = findings[0].message if len(findings) == 1 else f"{len(findings)} findings: {rule.message}"
            text = "\n".join(_finding_line(f) for f in findings)
        else:
            message = f"{rule.message}: could not run, {status.lost}"
            text = f"{result.path}: {message}"
        failure = ET.SubElement(case, "failure", message=message, type=rule.severity)
        failure.text = text

    unused = [f for f in result.findings if f.rule_id == UNUSED_SUPPRESSION]
    if unused:  # not a rule of the pack, but a finding all the same (--report-unused-suppressions)
        failures += 1
        case = ET.SubElement(suite, "testcase", classname="suppressions", name=UNUSED_SUPPRESSION)
        failure = ET.SubElement(case, "failure", message=unused[0].message if len(unused) == 1
                                else f"{len(unused)} suppression comments hide nothing", type="warning")
        failure.text = "\n".join(_finding_line(f) for f in unused)

    verdict = ET.SubElement(suite, "testcase", classname=result.pack, name="verdict")
    if not result.passed:
        failures += 1
        reasons = _verdict_reasons(result, failed_errors)
        failure = ET.SubElement(verdict, "failure", message=f"FAIL: {reasons}", type="verdict")
        failure.text = f"{result.path}: FAIL, score {result.score:g} (threshold {result.threshold:g}): {reasons}"
    suite.set("tests", str(len(suite.findall("testcase"))))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def _problem_suite(problem: Problem) -> ET.Element:
    suite = ET.Element("testsuite", name=problem.path, tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", classname="protolint", name="read")
    error = ET.SubElement(case, "error", message=problem.message, type="unreadable")
    error.text = str(problem)
    return suite


def render(run: Run, show_suppressed: bool = False) -> str:
    """Test suites; a suppressed finding is no failure, asked or not."""
    root = ET.Element("testsuites", name="protolint")
    suites = [_suite(r) for r in run.results] + [_problem_suite(p) for p in run.problems]
    root.extend(suites)
    for total in ("tests", "failures", "errors", "skipped"):
        root.set(total, str(sum(int(s.get(total)) for s in suites)))
    for element in root.iter():
        element.text = element.text and NOT_XML.sub("\ufffd", element.text)
        for name, value in list(element.attrib.items()):
            element.set(name, NOT_XML.sub("\ufffd", value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
