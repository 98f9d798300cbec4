/** A UTF-16 surrogate without its pair: JSON can carry one ("\ud800"), UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function hasLoneSurrogate(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text);
}

/**
 * Replaces lone surrogates with U+FFFD, as a UTF-8 decoder does with bad bytes, everywhere in a
 * JSON-like value. Items must be well-formed: their canonical bytes (versions) are UTF-8.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return (hasLoneSurrogate(value) ? value.replace(LONE_SURROGATE, '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)])) as T;
  }
  return value;
}
