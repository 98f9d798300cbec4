import { ApiFailure } from '../../../shared/api/errors';

/**
 * What a person types into a search box, as an FTS5 query. Everything is searched as words: a
 * colon, a bracket or a lone quote is text, not FTS5 syntax (`10:30` was a column filter, `"abc`
 * an unterminated string, `*` "unknown special query"). The little syntax kept is what search
 * boxes teach: "an exact phrase", `pre*` for words that start so, and `OR` between two terms.
 * Every term reaches FTS5 as a quoted string, so no input can be a syntax error.
 */
export function ftsQuery(input: string, field = 'filter.query'): string {
  const terms: string[] = [];
  let pendingOr = false;
  for (const token of tokens(input)) {
    if (token.kind === 'word' && token.text === 'OR') {
      // An operator only between two terms: while typing "price OR" it waits for the next word.
      pendingOr = terms.length > 0;
      continue;
    }
    if (!/[\p{L}\p{N}]/u.test(token.text)) continue; // nothing the tokenizer would index
    const quoted = `"${token.text.replaceAll('"', '""')}"`;
    const prefix = token.kind === 'word' && token.prefix ? '*' : '';
    if (pendingOr) terms.push('OR');
    terms.push(quoted + prefix);
    pendingOr = false;
  }
  if (terms.length === 0) throw new ApiFailure({ code: 'invalid_input', field, message: `${field} has no letters or digits to search for: ${JSON.stringify(input)}` });
  return terms.join(' ');
}

type Token = { kind: 'phrase'; text: string } | { kind: 'word'; text: string; prefix: boolean };

/** Words split at white space; a balanced pair of double quotes makes one phrase. */
function* tokens(input: string): Generator<Token> {
  let rest = input;
  while (rest.length > 0) {
    const space = /^\s+/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1);
      if (close > 0) {
        yield { kind: 'phrase', text: rest.slice(1, close) };
        rest = rest.slice(close + 1);
        continue;
      }
      rest = rest.slice(1); // a lone quote is not text anyone searches for
      continue;
    }
    const word = /^[^\s"]+/.exec(rest)![0];
    rest = rest.slice(word.length);
    const prefix = word.length > 1 && word.endsWith('*');
    yield { kind: 'word', text: prefix ? word.replace(/\*+$/, '') : word, prefix };
  }
}
