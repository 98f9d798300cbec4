/** A piece of the output, marked when a training span covers it. */
export interface Run {
  text: string;
  matched: boolean;
}

/**
 * The output cut into runs, a run marked where one of the spans' texts occurs. The backend's span
 * starts count tokens, not characters, so each span's text is looked for in the output (its first
 * occurrence at or after the previous span's start: spans come in output order).
 */
export function matchedRuns(output: string, spans: readonly { text: string }[]): Run[] {
  const covered = new Uint8Array(output.length);
  let from = 0;
  for (const s of spans) {
    if (s.text === '') continue;
    let at = output.indexOf(s.text, from);
    if (at < 0) at = output.indexOf(s.text);
    if (at < 0) {
      // A span decoded with a leading space or a cut character: its trimmed text still marks something.
      const trimmed = s.text.trim();
      if (trimmed === '') continue;
      at = output.indexOf(trimmed, from);
      if (at < 0) continue;
      covered.fill(1, at, at + trimmed.length);
      from = at;
      continue;
    }
    covered.fill(1, at, at + s.text.length);
    from = at;
  }
  const runs: Run[] = [];
  for (let i = 0; i < output.length; ) {
    const matched = covered[i] === 1;
    let j = i + 1;
    while (j < output.length && (covered[j] === 1) === matched) j++;
    runs.push({ text: output.slice(i, j), matched });
    i = j;
  }
  return runs;
}

/** A score short enough for a table cell and still telling apart 0.0012 from 0.0013. */
export function formatScore(score: number): string {
  if (score === 0) return '0';
  const abs = Math.abs(score);
  return abs >= 1000 || abs < 0.001 ? score.toExponential(2) : score.toPrecision(3);
}
