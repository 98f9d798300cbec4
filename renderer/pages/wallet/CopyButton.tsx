import { useState } from 'react';

/** Copies `text`; says whether it worked (the clipboard needs a secure context and permission). */
export function CopyButton({ text, label = 'Copy', testId }: { text: string; label?: string; testId?: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      setResult('failed');
    }
    setTimeout(() => setResult(null), 2500);
  }
  return (
    <>
      <button type="button" className="button button-small" data-testid={testId} onClick={() => void copy()}>
        {label}
      </button>
      <span className="copy-result" role="status">
        {result === 'copied' ? 'Copied.' : result === 'failed' ? 'Could not copy: select the text and copy it.' : ''}
      </span>
    </>
  );
}
