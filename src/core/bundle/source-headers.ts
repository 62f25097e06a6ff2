/**
 * Provenance a diff carries in its own preamble: the mail headers of `git format-patch`
 * (From, Date, Subject) and the Debian DEP-3 patch tagging fields (Description, Author,
 * Origin, Bug; DEP-3 allows Subject and From as aliases). Kept as metadata, a mail's headers
 * with their RFC 2047 encoded-words decoded (git writes a Subject or From that is not ASCII so);
 * the text is the patch author's claim, not something we verified.
 */
import { decodeEncodedWords } from '../encoding/encoded-words.ts';

export interface SourceHeaders {
  format: 'git-format-patch' | 'dep3';
  fields: Record<string, string>;
}

const MBOX_FROM = /^From [0-9a-f]{7,64} /;
const GIT_FIELDS = ['from', 'date', 'subject'] as const;
/** DEP-3 names and aliases; a Map, since header names are the diff author's text. */
const DEP3_FIELDS = new Map([
  ['description', 'description'],
  ['subject', 'description'],
  ['author', 'author'],
  ['from', 'author'],
  ['origin', 'origin'],
  ['bug', 'bug'],
]);
const MAX_FIELD_LENGTH = 4096;

/** RFC 5322-style fields: "Name: value", continuation lines start with white space. */
function readFields(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (current !== undefined && /^[ \t]/.test(line)) {
      const joined = `${fields.get(current) ?? ''}\n${line.trim() === '.' ? '' : line.trim()}`;
      fields.set(current, joined.slice(0, MAX_FIELD_LENGTH));
      continue;
    }
    const match = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (match === null) {
      if (line.trim() === '' && fields.size > 0) break; // end of the header block
      current = undefined;
      continue;
    }
    current = (match[1] ?? '').toLowerCase();
    if (!fields.has(current)) fields.set(current, (match[2] ?? '').slice(0, MAX_FIELD_LENGTH));
    else current = undefined; // first occurrence wins
  }
  return fields;
}

/** What `git format-patch --cover-letter` writes for a cover letter nobody edited. */
const UNEDITED_COVER = '*** SUBJECT HERE ***';

/**
 * The mail whose headers speak for a `git format-patch` series: the first, unless it is a
 * cover letter left as git wrote it (its subject a placeholder), then the first patch's.
 */
function speakingMail(lines: readonly string[]): readonly string[] {
  const next = lines.findIndex((line, i) => i > 0 && MBOX_FROM.test(line));
  if (next === -1) return lines;
  const subject = readFields(lines.slice(1, next)).get('subject') ?? '';
  return subject.includes(UNEDITED_COVER) ? lines.slice(next) : lines;
}

/** Finds git format-patch or DEP-3 headers in a diff's preamble; undefined when none. */
export function readSourceHeaders(preamble: string): SourceHeaders | undefined {
  const lines = preamble.split('\n');
  if (MBOX_FROM.test(lines[0] ?? '')) {
    const fields = readFields(speakingMail(lines).slice(1));
    const out: Record<string, string> = {};
    for (const name of GIT_FIELDS) {
      const value = fields.get(name);
      if (value !== undefined) out[name] = decodeEncodedWords(value.replace(/\n/g, ' ').trim());
    }
    return Object.keys(out).length > 0 ? { format: 'git-format-patch', fields: out } : undefined;
  }
  const fields = readFields(lines);
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    const canonical = DEP3_FIELDS.get(name);
    if (canonical !== undefined && out[canonical] === undefined) out[canonical] = value.trim();
  }
  const isDep3 = out.description !== undefined || out.origin !== undefined || out.bug !== undefined;
  return isDep3 ? { format: 'dep3', fields: out } : undefined;
}
