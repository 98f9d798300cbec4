import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadText } from '../wallet/download';

/**
 * Saves the adapter's registered training manifest as a JSON file. Downloaded from the page (a
 * Blob link, as the keystore and contribution bundles are): the renderer has no file system, and
 * the same works in a browser and in the desktop app.
 */
export function ManifestExportButton({ adapter }: { adapter: string }) {
  const manifest = useAction('models.manifest');

  async function save(): Promise<void> {
    const out = await manifest.run({ adapter });
    if (out) downloadText(`${adapter}.training-manifest.json`, `${JSON.stringify(out.manifest, null, 2)}\n`);
  }

  return (
    <>
      <button type="button" className="button button-small" data-testid="manifest-export" disabled={manifest.pending} onClick={() => void save()}>
        Export manifest<span className="visually-hidden"> of {adapter}</span>
      </button>
      {manifest.error && <ErrorMessage error={manifest.error} context="Could not export the manifest." testId="manifest-export-error" />}
    </>
  );
}
