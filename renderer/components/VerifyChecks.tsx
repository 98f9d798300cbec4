import './VerifyChecks.css';

interface VerifyChecksProps {
  result: { ok: boolean; online: boolean; checks: readonly { name: string; ok: boolean; detail: string }[] };
  /** What ran when the network could not be reached ("the offline checks"). */
  offlineChecks: string;
  testId: string;
  checkTestId: string;
}

/** Each check the backend ran, with ✓ or ✗ and what it found, under a one-line summary. */
export function VerifyChecks({ result, offlineChecks, testId, checkTestId }: VerifyChecksProps) {
  const failed = result.checks.filter((c) => !c.ok).length;
  return (
    <div className="verify-result" data-testid={testId} data-ok={result.ok}>
      <p className={`verify-summary ${result.ok ? 'verify-ok' : 'verify-bad'}`} role="status">
        {result.ok ? 'Every check holds.' : `${failed} of ${result.checks.length} checks fail.`}
        {/* Only when nothing failed offline: a bundle that fails on its own (not in a batch yet) was never taken to the network. */}
        {!result.online && failed === 0 && ` The network could not be reached, so only ${offlineChecks} ran.`}
      </p>
      <ul className="boxed-list">
        {result.checks.map((c) => (
          <li key={c.name} className="verify-check" data-testid={checkTestId} data-name={c.name} data-ok={c.ok}>
            <span className={`verify-mark ${c.ok ? 'verify-ok' : 'verify-bad'}`} aria-hidden="true">
              {c.ok ? '✓' : '✗'}
            </span>
            <span className="verify-check-text">
              <strong className="verify-check-name">{c.name}</strong>
              <span className="visually-hidden">{c.ok ? ': holds. ' : ': fails. '}</span>
              <span className="verify-check-detail">{c.detail}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
