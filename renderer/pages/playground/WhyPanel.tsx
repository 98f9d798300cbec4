import type { Attribution } from '../../../shared/api/schemas/attribution';
import { useCall } from '../../api';
import { shortHex } from '../../format';
import { formatWei } from '../../format-wei';
import { pageHref } from '../../route';
import { useTokenUnit } from '../../token-unit';
import { SettleFeeForm } from './SettleFeeForm';
import { formatScore, matchedRuns } from './why-spans';

interface WhyPanelProps {
  attribution: Attribution;
  /** Where the contributors' claim file was written, once this session settled it. */
  claimsFile?: string;
  /** Given: an unsettled attribution with contributors offers to pay a fee for it. */
  onSettled?: (attribution: Attribution, claimsFile: string) => void;
}

/** What an attribution found: the answer with its matched spans, the top training examples and the contributors they came from. */
export function WhyPanel({ attribution: a, claimsFile, onSettled }: WhyPanelProps) {
  const method = a.record.method;
  const priced = a.contributors.some((c) => c.amount !== '0');
  const unit = useTokenUnit();
  const adapters = useCall('adapters.list', {});
  const lineage = adapters.data?.find((x) => x.name === a.adapter)?.lineage ?? null;
  const version = lineage ? { number: lineage.version, examples: lineage.examples } : null;
  return (
    <section className="pg-why-panel" data-testid="pg-why-panel" data-method={method} aria-label="Why this answer">
      <p className="pg-why-summary">
        {method === 'spans' ? 'Matched against the training data word for word' : 'Measured by influence on the adapter'} · record <span className="mono" title={a.id}>{shortHex(a.id)}</span>, signed
        {a.paymentId !== null ? `, settled in payment #${a.paymentId}` : ', not settled yet'}.
      </p>
      {method === 'spans' && (
        <div className="pg-why-output selectable" data-testid="pg-why-output">
          {a.spans.length === 0 ? (
            <span className="muted">No span of this answer occurs in the training data.</span>
          ) : (
            matchedRuns(a.output, a.spans).map((r, i) =>
              r.matched ? (
                <mark key={i} className="pg-why-mark" data-testid="pg-why-span">
                  {r.text}
                </mark>
              ) : (
                <span key={i}>{r.text}</span>
              ),
            )
          )}
        </div>
      )}
      <h3 className="pg-why-heading">Top training examples</h3>
      {a.topExamples.length === 0 ? (
        <p className="muted">No training example was credited.</p>
      ) : (
        <ol className="pg-why-examples" data-testid="pg-why-examples">
          {a.topExamples.map((e) => (
            <ExampleRow key={`${e.itemId}/${e.position}`} example={e} version={version} />
          ))}
        </ol>
      )}
      <h3 className="pg-why-heading">Contributors</h3>
      {a.contributors.length === 0 ? (
        <p className="muted" data-testid="pg-why-no-contributor">
          {method === 'influence'
            ? 'No contributor’s examples, taken together, pushed the adapter towards this answer: influence pays only a positive total, so no one would be paid.'
            : 'No contributor’s records cover the credited examples.'}
        </p>
      ) : (
        <table className="data-table pg-why-contributors" data-testid="pg-why-contributors">
          <thead>
            <tr>
              <th scope="col">Contributor</th>
              <th scope="col" className="num">
                Score
              </th>
              <th scope="col" className="num">
                Records
              </th>
              {priced && (
                <th scope="col" className="num">
                  Share of the fee
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {a.contributors.map((c) => (
              <tr key={c.contributor} data-testid="pg-why-contributor" data-contributor={c.contributor}>
                <td className="mono" title={c.contributor}>
                  {shortHex(c.contributor)}
                </td>
                <td className="num mono" data-testid="pg-why-contributor-score" title={String(c.score)}>
                  {formatScore(c.score)}
                </td>
                <td className="num">{c.records.length}</td>
                {priced && (
                  <td className="num nowrap" data-testid="pg-why-contributor-amount" title={`${c.amount} wei`}>
                    <span className="mono">{formatWei(c.amount)}</span> {unit}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {a.paymentId === null &&
        a.contributors.length > 0 &&
        (onSettled ? (
          <SettleFeeForm attribution={a} onSettled={onSettled} />
        ) : (
          <p className="field-hint">Unpriced: settling a fee for this record (studio settle, or attribution.settle) pays these contributors in proportion to their scores.</p>
        ))}
      {a.paymentId !== null && claimsFile && (
        <p className="field-hint" data-testid="pg-why-claims">
          Paid. Each contributor claims their share on their Wallet page, with the claim file <span className="mono selectable">{claimsFile}</span>.
        </p>
      )}
    </section>
  );
}

/**
 * One credited example: its score, its item's text, and where to find it. The position the
 * backend reports is the example's record in the frozen version (counting every record of it,
 * those held out for evaluation too), not its place among the examples the adapter trained on, so
 * the row names the item (a link to it in Annotate) and words the number as the version's record.
 */
function ExampleRow({ example: e, version }: { example: Attribution['topExamples'][number]; version: { number: number; examples: number } | null }) {
  const item = useCall('items.get', { item: e.itemId });
  const text = item.data?.content.text.trim().replace(/\s+/g, ' ');
  const where = version
    ? `Record ${e.position + 1} of version ${version.number}, counting all of its records (those held out for evaluation too); the adapter trained on ${version.examples.toLocaleString()} examples of them.`
    : `Record ${e.position + 1} of the version the adapter was trained on, counting all of its records.`;
  return (
    <li className="pg-why-example" data-testid="pg-why-example">
      <span className="pg-why-score mono" title={String(e.score)}>
        {formatScore(e.score)}
      </span>
      {/* The item's text, first line, cut short; the item id alone when it cannot be read (deleted, another datanet). */}
      {text && (
        <span className="pg-why-item selectable" data-testid="pg-why-item" title={text}>
          {text.length > 160 ? `${text.slice(0, 159)}…` : text}
        </span>
      )}
      <span className="muted pg-why-meta">
        item{' '}
        {item.data ? (
          <a className="mono" href={pageHref('annotate', item.data.datanetId, e.itemId)} data-testid="pg-why-item-link" title="Open this item in Annotate">
            {e.itemId}
          </a>
        ) : (
          <span className="mono">{e.itemId}</span>
        )}{' '}
        · <span data-testid="pg-why-position" title={where}>{version ? `record ${e.position + 1} of v${version.number}` : `version record ${e.position + 1}`}</span>
        {e.records.length > 0 ? ` · contribution record${e.records.length === 1 ? '' : 's'} ${e.records.map(shortHex).join(', ')}` : ' · in no contribution record'}
      </span>
    </li>
  );
}
