import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadText } from './download';

/** The keystore as a file download: still encrypted, so it is safe to keep on another disk. */
export function ExportKeystore() {
  const exportKeystore = useAction('wallet.export');
  async function onExport(): Promise<void> {
    const out = await exportKeystore.run({});
    if (out) downloadText(out.fileName, out.keystore);
  }
  return (
    <div className="form">
      <div className="form-actions">
        <button type="button" className="button" data-testid="wallet-export" disabled={exportKeystore.pending} onClick={() => void onExport()}>
          Download keystore file
        </button>
        {exportKeystore.data && (
          <span className="form-note" role="status">
            Saved as {exportKeystore.data.fileName}.
          </span>
        )}
      </div>
      {exportKeystore.error && <ErrorMessage error={exportKeystore.error} context="Could not export the keystore." />}
    </div>
  );
}
