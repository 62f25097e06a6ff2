/**
 * A small syntax highlighter for diff lines: keywords, strings, comments and numbers in the
 * common languages of patches (C and its family, JavaScript/TypeScript, Go, Rust, Java,
 * Python, shell, Makefiles, JSON, CSS). One line at a time with no state between lines, so a
 * virtualised view can highlight just the rows it shows; a block comment's inner lines are
 * shown plain. Loaded with a dynamic import, off the first screen; it only ever splits text
 * into coloured runs, never changes it (escapes stay as the diff viewer made them).
 */

export type TokenKind = 'keyword' | 'string' | 'comment' | 'number' | 'text';

export interface Token {
  text: string;
  kind: TokenKind;
}

interface Language {
  keywords: ReadonlySet<string>;
  /** Line comment starters. */
  comments: readonly string[];
  blockComments: boolean;
}

const words = (text: string) => new Set(text.split(' '));

const C_LIKE = words(
  'auto break case char const continue default do double else enum extern float for goto if ' +
    'inline int long register return short signed sizeof static struct switch typedef union ' +
    'unsigned void volatile while bool true false NULL nullptr class public private protected ' +
    'namespace template typename virtual new delete this throw try catch using',
);
const JS = words(
  'await break case catch class const continue debugger default delete do else export extends ' +
    'false finally for from function if import in instanceof let new null of return super switch ' +
    'this throw true try typeof undefined var void while yield async interface type enum readonly',
);
const GO = words(
  'break case chan const continue default defer else fallthrough for func go goto if import ' +
    'interface map package range return select struct switch type var nil true false',
);
const RUST = words(
  'as async await break const continue crate else enum extern false fn for if impl in let loop ' +
    'match mod move mut pub ref return self Self static struct super trait true type unsafe use where while',
);
const PYTHON = words(
  'and as assert async await break class continue def del elif else except False finally for ' +
    'from global if import in is lambda None nonlocal not or pass raise return True try while with yield',
);
const SHELL = words(
  'if then else elif fi case esac for while until do done in function return local export ' +
    'readonly set unset shift exit',
);

const LANGUAGES: Record<string, Language> = {
  c: { keywords: C_LIKE, comments: ['//'], blockComments: true },
  js: { keywords: JS, comments: ['//'], blockComments: true },
  go: { keywords: GO, comments: ['//'], blockComments: true },
  rust: { keywords: RUST, comments: ['//'], blockComments: true },
  python: { keywords: PYTHON, comments: ['#'], blockComments: false },
  shell: { keywords: SHELL, comments: ['#'], blockComments: false },
  json: { keywords: words('true false null'), comments: [], blockComments: false },
  css: { keywords: words('important'), comments: [], blockComments: true },
};

const EXTENSIONS: Record<string, string> = {
  ...Object.fromEntries(
    'c h cc cpp cxx hh hpp hxx java cs kt swift m'.split(' ').map((e) => [e, 'c']),
  ),
  ...Object.fromEntries('js mjs cjs jsx ts tsx mts cts'.split(' ').map((e) => [e, 'js'])),
  go: 'go',
  rs: 'rust',
  py: 'python',
  ...Object.fromEntries('sh bash zsh mk mak'.split(' ').map((e) => [e, 'shell'])),
  json: 'json',
  css: 'css',
};

/** The language of a file path, by its extension (Makefile by name). */
export function languageOf(path: string): string | undefined {
  const name = path.split('/').at(-1) ?? '';
  if (/^(GNU)?makefile$/i.test(name) || name === 'configure') return 'shell';
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : EXTENSIONS[ext];
}

/** Lines longer than this are shown plain: highlighting them buys nothing and costs time. */
const MAX_LINE = 2000;
const TOKEN =
  /("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\w.]*\b)|([A-Za-z_$][\w$]*)|(\/\*.*?(?:\*\/|$))|(\/\/.*$|#.*$)|(\s+|.)/gy;

/** Splits one line of code into runs (`language` from languageOf). */
export function highlight(text: string, language: string | undefined): Token[] {
  const lang = language === undefined ? undefined : LANGUAGES[language];
  if (lang === undefined || text.length > MAX_LINE) return [{ text, kind: 'text' }];
  const tokens: Token[] = [];
  const push = (value: string, kind: TokenKind) => {
    const last = tokens.at(-1);
    if (last !== undefined && last.kind === kind) last.text += value;
    else tokens.push({ text: value, kind });
  };
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const [all, string, number, word, block, line] = match;
    if (string !== undefined) push(all, lang === LANGUAGES.css ? 'text' : 'string');
    else if (number !== undefined) push(all, 'number');
    else if (word !== undefined) push(all, lang.keywords.has(word) ? 'keyword' : 'text');
    else if (block !== undefined && lang.blockComments) push(all, 'comment');
    else if (line !== undefined && lang.comments.some((c) => all.startsWith(c))) {
      push(text.slice(match.index), 'comment');
      break;
    } else push(all, 'text');
    if (TOKEN.lastIndex === match.index) break;
  }
  return tokens;
}
