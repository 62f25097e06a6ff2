/**
 * Describes what a real-world patch file contains, so the corpus report can say which diff
 * dialects the parser meets: git format-patch mail headers, DEP-3 headers, quilt "Index:"
 * lines, `diff -u` timestamps, CRLF content, "\ No newline" markers, renames, mode changes,
 * binary parts. Pattern counts only: ground truth comes from GNU patch, not from this file.
 */

const DEP3_FIELD =
  /^(Description|Subject|Origin|Bug|Bug-[A-Za-z]+|Forwarded|Author|From|Reviewed-by|Acked-by|Applied-Upstream|Last-Update|Signed-off-by):/im;
const HUNK_HEADER = /^@@ -(\d+)(,(\d+))? \+(\d+)(,(\d+))? @@/;

function isUtf8(bytes) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function count(lines, pattern) {
  return lines.reduce((n, line) => n + (pattern.test(line) ? 1 : 0), 0);
}

/** Walks unified hunks by their counts, as a patch program does, tallying line shapes. */
function hunkShapes(lines) {
  const shapes = {
    hunks: 0,
    withoutCount: 0,
    blankContext: 0,
    crlfLines: 0,
    noNewline: 0,
    createsWithoutDevNull: 0,
  };
  let oldHeader = '';
  for (let at = 0; at < lines.length; at++) {
    if (lines[at].startsWith('--- ')) oldHeader = lines[at];
    const match = HUNK_HEADER.exec(lines[at]);
    if (match === null) continue;
    shapes.hunks++;
    if (/^@@ -0,0 /.test(lines[at]) && !oldHeader.startsWith('--- /dev/null'))
      shapes.createsWithoutDevNull++;
    if (match[2] === undefined || match[5] === undefined) shapes.withoutCount++;
    let oldLeft = match[2] === undefined ? 1 : Number(match[3]);
    let newLeft = match[5] === undefined ? 1 : Number(match[6]);
    while ((oldLeft > 0 || newLeft > 0) && at + 1 < lines.length) {
      const line = lines[++at];
      if (line.startsWith('\\')) continue;
      if (line === '' || line === '\r') shapes.blankContext++;
      if (line.endsWith('\r')) shapes.crlfLines++;
      const op = line === '' ? ' ' : line[0];
      if (op !== '+') oldLeft--;
      if (op !== '-') newLeft--;
    }
    if ((lines[at + 1] ?? '').startsWith('\\ ')) at++;
  }
  shapes.noNewline = count(lines, /^\\ No newline at end of file/);
  return shapes;
}

function pathShapes(lines) {
  const headers = lines.filter((l) => /^(---|\+\+\+) /.test(l) && !/^--- ?$/.test(l));
  const paths = headers.map((l) => l.slice(4).split('\t')[0]);
  return {
    abPrefixes: paths.filter((p) => /^[ab]\//.test(p)).length,
    otherPrefixes: paths.filter((p) => !/^([ab]\/|\/dev\/null$|")/.test(p)).length,
    timestamps: headers.filter((l) => l.includes('\t')).length,
    quoted: paths.filter((p) => p.startsWith('"')).length,
  };
}

/** The features of one patch file (bytes as read from disk). */
export function describePatch(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split('\n');
  const firstFile = lines.findIndex((l) => /^(diff |--- |Index: )/.test(l));
  const preamble = lines.slice(0, firstFile < 0 ? lines.length : firstFile).join('\n');
  const shapes = hunkShapes(lines);
  return {
    utf8: isUtf8(bytes),
    binary: count(lines, /^(GIT binary patch|Binary files .* differ)$/) > 0,
    bytes: bytes.length,
    files: count(lines, /^\+\+\+ /),
    hunks: shapes.hunks,
    formatPatchMbox: /^From [0-9a-f]{40} /.test(text),
    dep3: DEP3_FIELD.test(preamble),
    gitDiffHeaders: count(lines, /^diff --git /),
    indexLines: count(lines, /^Index: /),
    diffCommandLines: count(lines, /^diff (?!--git )/),
    gitSignature: count(lines, /^-- $/),
    ...pathShapes(lines),
    creates: count(lines, /^--- \/dev\/null/),
    createsWithoutDevNull: shapes.createsWithoutDevNull,
    deletes: count(lines, /^\+\+\+ \/dev\/null/),
    renames: count(lines, /^rename from /),
    copies: count(lines, /^copy from /),
    modeChanges: count(lines, /^(old|new) mode /),
    contextDiffHunks: count(lines, /^\*{15}/),
    hunkHeadersWithoutCount: shapes.withoutCount,
    blankContextLines: shapes.blankContext,
    crlfLines: shapes.crlfLines,
    noNewlineMarkers: shapes.noNewline,
  };
}
