/**
 * Redis glob patterns, as used by `SCAN MATCH`, `KEYS` and `deletePattern`: `*`, `?`, `[abc]`,
 * `[a-c]`, `[^a]` and `\` escapes. Matching works on UTF-8 bytes like Redis does.
 */

const GLOB_SPECIALS = /[*?[\]\\]/g;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Escapes every glob special character in `text` so it matches only itself. Use it whenever user
 * data becomes part of a pattern: `deletePattern(\`menu:${escapeGlob(id)}:*\`)`.
 */
export function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIALS, '\\$&');
}

/** Compiles a Redis glob pattern into a predicate over keys, matching exactly as Redis would. */
export function compileGlob(pattern: string): (subject: string) => boolean {
  if (pattern === '*') return () => true;
  const regex = new RegExp(`^${globToRegExpSource(toBytes(pattern))}$`, 's');
  return (subject) => regex.test(toBytes(subject));
}

/** One-shot form of {@link compileGlob}. */
export function matchGlob(pattern: string, subject: string): boolean {
  return compileGlob(pattern)(subject);
}

/** Represents UTF-8 bytes as a latin1 string, one character per byte, so `?` matches one byte. */
function toBytes(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

function escapeRegExpChar(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

function globToRegExpSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === '*') {
      while (pattern[i + 1] === '*') i++;
      out += '.*';
    } else if (char === '?') {
      out += '.';
    } else if (char === '[') {
      const parsed = parseClass(pattern, i + 1);
      out += parsed.source;
      i = parsed.end;
    } else if (char === '\\' && i + 1 < pattern.length) {
      i++;
      out += escapeRegExpChar(pattern[i]!);
    } else {
      out += escapeRegExpChar(char);
    }
    i++;
  }
  return out;
}

/** Parses a `[...]` class starting after the `[`; returns its regex and the index of its `]`. */
function parseClass(pattern: string, start: number): { source: string; end: number } {
  let i = start;
  const negate = pattern[i] === '^';
  if (negate) i++;
  const items: string[] = [];
  for (; i < pattern.length && pattern[i] !== ']'; i++) {
    let char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      char = pattern[++i]!;
      items.push(escapeRegExpChar(char));
    } else if (pattern[i + 1] === '-' && i + 2 < pattern.length) {
      let low = char;
      let high = pattern[i + 2]!;
      if (low > high) [low, high] = [high, low];
      items.push(`${escapeRegExpChar(low)}-${escapeRegExpChar(high)}`);
      i += 2;
    } else {
      items.push(escapeRegExpChar(char));
    }
  }
  // Redis treats an unterminated class as closed at the end of the pattern.
  const end = Math.min(i, pattern.length - 1);
  if (items.length === 0) return { source: negate ? '[^]' : '(?!)', end };
  return { source: `[${negate ? '^' : ''}${items.join('')}]`, end };
}
