// Runs the CEL conformance suite's simple tests (cel-spec tests/simple/testdata/*.textproto,
// as shipped in @bufbuild/cel-spec's testdata/conformance.js) through an adapter and counts
// passes per file. A test passes as cel-spec's simple-test runner judges it
// (proto/cel/expr/conformance/test/simple.proto):
//   - `value` (or no matcher: the value true): evaluation returns an equal value, same type;
//   - `eval_error`: evaluation (or checking) fails; a parse failure does not count;
//   - `typed_result`: the value (if given) and the checker's deduced type both match, so a
//     library without a public checker fails these; `check_only` tests compare the type only.
// Error messages are not compared (the suite's own runner does not either).
import { fromExpected, sameValue, typeText } from './values.mjs';

/**
 * The language definition and its standard library (cel-spec doc/langdef.md): no extension
 * files (*_ext, macros2, optionals) and none that exist to test protobuf integration
 * (dynamic, enums, proto2, proto3, wrappers) or the checker alone (type_deductions).
 */
export const CORE_FILES = [
  'basic',
  'comparisons',
  'conversions',
  'fields',
  'fp_math',
  'integer_math',
  'lists',
  'logic',
  'macros',
  'namespace',
  'parse',
  'plumbing',
  'string',
  'timestamps',
];

/** A test that needs protobuf messages: a container, message literals, message values. */
export function needsProto(t) {
  const values = JSON.stringify([t.value, t.typedResult, t.bindings]);
  return (
    t.container !== undefined ||
    /objectValue|enumValue|messageType/.test(values) ||
    /google\.protobuf|TestAllTypes|proto[23]\./.test(t.expr)
  );
}

function judge(adapter, t) {
  const bindings = {};
  for (const [name, bound] of Object.entries(t.bindings ?? {}))
    bindings[name] = fromExpected(bound.value ?? {});
  const test = { ...t, bindings };
  const deduced = () => adapter.check?.(test);
  if (t.checkOnly) return deduced() === typeText(t.typedResult.deducedType);
  const run = adapter.run(test);
  if (t.evalError !== undefined || t.anyEvalErrors !== undefined)
    return !run.ok && run.stage !== 'parse';
  if (t.typedResult !== undefined) {
    if (deduced() !== typeText(t.typedResult.deducedType)) return false;
    if (t.typedResult.result === undefined) return true;
    return run.ok && sameValue(fromExpected(t.typedResult.result), run.value);
  }
  if (t.unknown !== undefined || t.anyUnknowns !== undefined) return false;
  const expected = t.value === undefined ? { t: 'bool', v: true } : fromExpected(t.value);
  return run.ok && sameValue(expected, run.value);
}

function* testsOf(suite, path) {
  for (const test of suite.tests ?? []) yield { section: path, test: test.original };
  for (const inner of suite.suites ?? []) yield* testsOf(inner, `${path}/${inner.name}`);
}

/**
 * Per file: { file, tests, passed, noProto: { tests, passed }, failed: [names] }. A test that
 * throws out of the adapter (a library crash) fails.
 */
export function runConformance(data, adapter) {
  const files = [];
  for (const file of data.suites ?? []) {
    const row = { file: file.name, tests: 0, passed: 0, noProto: { tests: 0, passed: 0 } };
    row.failed = [];
    for (const { section, test } of testsOf(file, file.name)) {
      let pass;
      try {
        pass = judge(adapter, test);
      } catch {
        pass = false;
      }
      const plain = !needsProto(test);
      row.tests++;
      if (plain) row.noProto.tests++;
      if (pass) {
        row.passed++;
        if (plain) row.noProto.passed++;
      } else row.failed.push(`${section}/${test.name}`);
    }
    files.push(row);
  }
  return files;
}

/** Totals over a set of files: core, core without protobuf, everything. */
export function summarize(files) {
  const sum = (rows, pick) =>
    rows.reduce(
      (acc, r) => {
        const { tests, passed } = pick(r);
        return { tests: acc.tests + tests, passed: acc.passed + passed };
      },
      { tests: 0, passed: 0 },
    );
  const core = files.filter((r) => CORE_FILES.includes(r.file));
  return {
    core: sum(core, (r) => r),
    coreNoProto: sum(core, (r) => r.noProto),
    all: sum(files, (r) => r),
  };
}
