import type { TrainingManifest } from '../../../shared/ledger/training-manifest';
import { shortHex } from '../../format';
import { TableScroll } from '../../components/TableScroll';

/** Rows shown before "and N more": a version can have thousands of records. */
const SHOWN = 25;

interface ManifestPreviewProps {
  manifest: TrainingManifest;
  /** The owner's share as typed, to show each contributor's part of a fee; null while it is invalid. */
  ownerShareBps: number | null;
}

/** What a fee's contributors' part is: share of the weights × (100% − the owner's share). */
function partOfFee(tokens: number, weightSum: number, ownerShareBps: number | null): string {
  if (weightSum === 0) return '—';
  const ofContributors = tokens / weightSum;
  const fee = ownerShareBps === null ? null : (ofContributors * (10_000 - ownerShareBps)) / 100;
  return `${(ofContributors * 100).toFixed(1)}%${fee === null ? '' : ` (${fee.toFixed(fee < 1 ? 2 : 1)}% of a fee)`}`;
}

/**
 * The manifest as registering will send it: the version it covers, its records, contributors and
 * their weights (target tokens trained on), and the root that goes on chain.
 */
export function ManifestPreview({ manifest, ownerShareBps }: ManifestPreviewProps) {
  const contributors = new Set(manifest.entries.map((e) => e.contributor.toLowerCase())).size;
  const entries = [...manifest.entries].sort((a, b) => b.tokens - a.tokens);
  return (
    <div className="manifest-preview">
      <p className="manifest-summary" data-testid="manifest-summary">
        {manifest.entries.length.toLocaleString()} contribution {manifest.entries.length === 1 ? 'record' : 'records'} from {contributors.toLocaleString()}{' '}
        {contributors === 1 ? 'contributor' : 'contributors'}, weighted by the {manifest.weightSum.toLocaleString()} target tokens they gave to {manifest.training.examples.toLocaleString()}{' '}
        training examples of version {manifest.datanet.version} (field <span className="mono">{manifest.training.field}</span>).
      </p>
      <TableScroll label="Contribution records in the manifest">
        <table className="data-table manifest-table" data-testid="manifest-entries">
          <thead>
            <tr>
              <th scope="col">Contributor</th>
              <th scope="col">Record</th>
              <th scope="col" className="num">
                Examples
              </th>
              <th scope="col" className="num">
                Weight (tokens)
              </th>
              <th scope="col" className="num">
                Share of contributors&apos; part
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(0, SHOWN).map((e) => (
              <tr key={e.recordId} data-testid="manifest-entry">
                <td className="mono" title={e.contributor}>
                  {shortHex(e.contributor)}
                </td>
                <td className="mono" title={e.recordId}>
                  {shortHex(e.recordId)}
                </td>
                <td className="num">{e.examples.toLocaleString()}</td>
                <td className="num">{e.tokens.toLocaleString()}</td>
                <td className="num">{partOfFee(e.tokens, manifest.weightSum, ownerShareBps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {entries.length > SHOWN && <p className="field-hint">…and {(entries.length - SHOWN).toLocaleString()} more records; the exported manifest lists them all.</p>}
      <dl className="lineage-metrics manifest-ids">
        <div className="lineage-metric">
          <dt>Manifest root</dt>
          <dd className="mono" title={manifest.root} data-testid="manifest-root">
            {shortHex(manifest.root)}
          </dd>
        </div>
        <div className="lineage-metric">
          <dt>Adapter hash</dt>
          <dd className="mono" title={manifest.adapter.hash}>
            {shortHex(manifest.adapter.hash)}
          </dd>
        </div>
        <div className="lineage-metric">
          <dt>Base model id</dt>
          <dd className="mono" title={manifest.baseModel.id}>
            {shortHex(manifest.baseModel.id)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
