import { shortHex } from '../../../format';
import { CopyButton } from '../../wallet/CopyButton';

/** A version's Merkle root, shortened to read, whole in its tooltip and in what Copy copies. */
export function RootCell({ root, testId }: { root: string; testId?: string }) {
  return (
    <span className="versions-root">
      <code className="mono" title={root} data-testid={testId} data-root={root}>
        {shortHex(root)}
      </code>
      <CopyButton text={root} label="Copy" testId={testId && `${testId}-copy`} />
    </span>
  );
}
