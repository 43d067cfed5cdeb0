/** A small glob dialect for `include`: `*` and `?` within a path segment, `**` across segments, `[abc]` classes. */

function segmentToRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Splits a pattern into the literal folder to start walking from and the remaining segments. */
export function splitPattern(pattern: string): { prefix: string[]; rest: string[] } {
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const firstGlob = segments.findIndex(isGlob);
  if (firstGlob < 0) return { prefix: segments, rest: [] };
  return { prefix: segments.slice(0, firstGlob), rest: segments.slice(firstGlob) };
}

/** Whether a relative path (`/`-separated) matches the pattern's segments. */
export function matchSegments(pathSegments: string[], patternSegments: string[]): boolean {
  if (!patternSegments.length) return !pathSegments.length;
  const [head, ...tail] = patternSegments;
  if (head === '**') {
    for (let i = 0; i <= pathSegments.length; i++)
      if (matchSegments(pathSegments.slice(i), tail)) return true;
    return false;
  }
  if (!pathSegments.length) return false;
  return segmentToRegExp(head).test(pathSegments[0]) && matchSegments(pathSegments.slice(1), tail);
}
