/**
 * Suffix array construction by SA-IS (Nong, Zhang and Chan, "Two efficient algorithms for linear
 * time suffix array construction", 2009/2011), in the layout of Yuta Mori's sais: the text ends
 * in a virtual sentinel smaller than every symbol, the reduced problem lives inside the suffix
 * array's own space (its text in the tail, its suffix array in the head), and suffix types are a
 * bitset. Linear time; memory is the text and the suffix array (4 bytes a symbol each) plus, per
 * recursion level, the type bits and two bucket arrays of the level's alphabet, which are
 * dropped before the level recurses and rebuilt after.
 *
 * Everything the algorithm needs is inside `suffixArrayInto`, so its source alone can run in a
 * worker thread (suffix-array-worker.ts) without a module graph.
 */

/**
 * Fills `sa` with the suffix array of `text` (symbols in [0, alphabetSize)): `sa[r]` is the start
 * of the r-th smallest suffix, a suffix that is a prefix of another sorting first.
 */
export function suffixArrayInto(text: Int32Array, sa: Int32Array, alphabetSize: number): void {
  const n = text.length;
  if (sa.length !== n) throw new Error(`suffix array: sa has ${sa.length} slots for a text of ${n} symbols`);
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1) throw new Error(`suffix array: alphabetSize must be a positive integer (got ${alphabetSize})`);
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (c < 0 || c >= alphabetSize) throw new Error(`suffix array: symbol ${c} at ${i} is outside [0, ${alphabetSize})`);
  }

  // Type bit 1: S (the suffix is smaller than the one after it); 0: L. The last symbol is L, as the
  // virtual sentinel after it is smaller than anything.
  function classify(T: Int32Array, len: number): Uint8Array {
    const bits = new Uint8Array((len >>> 3) + 1);
    let nextS = 0;
    for (let i = len - 2; i >= 0; i--) {
      const a = T[i]!;
      const b = T[i + 1]!;
      const s = a < b || (a === b && nextS === 1) ? 1 : 0;
      if (s === 1) bits[i >>> 3]! |= 1 << (i & 7);
      nextS = s;
    }
    return bits;
  }

  function countSymbols(T: Int32Array, len: number, C: Int32Array): void {
    C.fill(0);
    for (let i = 0; i < len; i++) C[T[i]!]!++;
  }

  function bucketStarts(C: Int32Array, B: Int32Array): void {
    let sum = 0;
    for (let k = 0; k < C.length; k++) {
      B[k] = sum;
      sum += C[k]!;
    }
  }

  function bucketEnds(C: Int32Array, B: Int32Array): void {
    let sum = 0;
    for (let k = 0; k < C.length; k++) {
      sum += C[k]!;
      B[k] = sum;
    }
  }

  // L-type suffixes from the sorted ones, left to right. The sentinel's suffix sorts first, and the
  // suffix before it (the last symbol, always L) is induced from it before the scan.
  function induceL(T: Int32Array, SA: Int32Array, len: number, C: Int32Array, B: Int32Array, bits: Uint8Array): void {
    bucketStarts(C, B);
    let j = len - 1;
    SA[B[T[j]!]!++] = j;
    for (let i = 0; i < len; i++) {
      const p = SA[i]!;
      if (p > 0) {
        j = p - 1;
        if (((bits[j >>> 3]! >> (j & 7)) & 1) === 0) SA[B[T[j]!]!++] = j;
      }
    }
  }

  // S-type suffixes, right to left, into the ends of their buckets.
  function induceS(T: Int32Array, SA: Int32Array, len: number, C: Int32Array, B: Int32Array, bits: Uint8Array): void {
    bucketEnds(C, B);
    for (let i = len - 1; i >= 0; i--) {
      const p = SA[i]!;
      if (p > 0) {
        const j = p - 1;
        if (((bits[j >>> 3]! >> (j & 7)) & 1) === 1) SA[--B[T[j]!]!] = j;
      }
    }
  }

  function sais(T: Int32Array, SA: Int32Array, len: number, K: number): void {
    if (len === 0) return;
    if (len === 1) {
      SA[0] = 0;
      return;
    }
    const bits = classify(T, len);
    const isS = (i: number) => ((bits[i >>> 3]! >> (i & 7)) & 1) === 1;
    // A leftmost S position: S, after an L. Position 0 never is.
    const isLms = (i: number) => i > 0 && isS(i) && !isS(i - 1);
    // Stage 1: sort the LMS substrings by inducing from the LMS positions put at their buckets' ends.
    // The bucket arrays live only inside each stage, so none is held while the level recurses.
    {
      const C = new Int32Array(K);
      const B = new Int32Array(K);
      countSymbols(T, len, C);
      bucketEnds(C, B);
      SA.fill(-1, 0, len);
      for (let i = len - 1; i >= 1; i--) if (isLms(i)) SA[--B[T[i]!]!] = i;
      induceL(T, SA, len, C, B, bits);
      induceS(T, SA, len, C, B, bits);
    }

    // The sorted LMS positions to the head of SA.
    let m = 0;
    for (let i = 0; i < len; i++) {
      const p = SA[i]!;
      if (isLms(p)) SA[m++] = p;
    }
    SA.fill(-1, m, len);

    // Name each LMS substring by its rank among the distinct ones; names go to SA[m + p/2] (LMS
    // positions are at least two apart, and m <= len/2, so these slots are free and distinct).
    let names = 0;
    let prev = -1;
    for (let i = 0; i < m; i++) {
      const pos = SA[i]!;
      let differ = prev === -1;
      for (let d = 0; !differ; d++) {
        const a = pos + d;
        const b = prev + d;
        if (a === len || b === len || T[a] !== T[b] || isS(a) !== isS(b)) differ = true;
        else if (d > 0 && (isLms(a) || isLms(b))) break;
      }
      if (differ) {
        names++;
        prev = pos;
      }
      SA[m + (pos >>> 1)] = names - 1;
    }
    // The reduced text: the names in text order, packed into the tail of SA.
    for (let i = len - 1, j = len - 1; i >= m; i--) {
      const name = SA[i]!;
      if (name >= 0) SA[j--] = name;
    }

    // Stage 2: the order of the LMS suffixes, by recursion when two LMS substrings share a name.
    const SA1 = SA.subarray(0, m);
    const s1 = SA.subarray(len - m, len);
    if (names < m) {
      sais(s1, SA1, m, names);
    } else {
      for (let i = 0; i < m; i++) SA1[s1[i]!] = i;
    }
    // Reduced positions back to text positions: s1 becomes the LMS positions in text order.
    for (let i = 1, j = 0; i < len; i++) if (isLms(i)) s1[j++] = i;
    for (let i = 0; i < m; i++) SA1[i] = s1[SA1[i]!]!;
    SA.fill(-1, m, len);

    // Stage 3: the sorted LMS suffixes at their buckets' ends (last first, so none overwrites one
    // still to move), then every suffix induced from them.
    const C = new Int32Array(K);
    const B = new Int32Array(K);
    countSymbols(T, len, C);
    bucketEnds(C, B);
    for (let i = m - 1; i >= 0; i--) {
      const j = SA[i]!;
      SA[i] = -1;
      SA[--B[T[j]!]!] = j;
    }
    induceL(T, SA, len, C, B, bits);
    induceS(T, SA, len, C, B, bits);
  }

  sais(text, sa, n, alphabetSize);
}

/** The suffix array of `text` (symbols in [0, alphabetSize)) as a new Int32Array. */
export function buildSuffixArray(text: Int32Array, alphabetSize: number): Int32Array {
  const sa = new Int32Array(text.length);
  suffixArrayInto(text, sa, alphabetSize);
  return sa;
}
