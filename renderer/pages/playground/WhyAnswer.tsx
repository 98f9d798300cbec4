import { useId, useState } from 'react';
import type { Attribution } from '../../../shared/api/schemas/attribution';
import { useAction } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { pageHref } from '../../route';
import { WhyPanel } from './WhyPanel';

type Method = Attribution['record']['method'];

interface WhyAnswerProps {
  model: string;
  adapter: string;
  /** The user's message this answer replied to. */
  prompt: string;
  output: string;
  /** Whether the adapter is registered on the configured network; null while that is being asked. */
  registered: boolean | null;
  /** The adapter's own method (set on the Models page), which this answer starts with. */
  defaultMethod: Method;
}

const METHOD_LABEL: Record<Method, string> = { spans: 'by matching spans', influence: 'by influence' };

const METHOD_HINT: Record<Method, string> = {
  spans: 'Spans: the longest pieces of the answer found word for word in the training data (the first time, the version is indexed).',
  influence: "Influence: how much each training example's gradient moves this answer (the first time, the adapter's gradient store is built).",
};

/**
 * "Why this answer?" under an adapter's answer: attributes the answer to the adapter's training
 * examples, their contribution records and contributors. Only a registered adapter can be
 * attributed (the record is signed for settlement), so an unregistered one says where to register.
 * Each method's result is kept: asked by the other method too, both are shown, one beside the
 * other (stacked where the message is narrow), the adapter's own method first.
 */
export function WhyAnswer({ model, adapter, prompt, output, registered, defaultMethod }: WhyAnswerProps) {
  const ids = useId();
  const [method, setMethod] = useState<Method>(defaultMethod);
  /** The methods asked, in the order the panels show them. */
  const [shown, setShown] = useState<Method[]>([]);
  const bySpans = useAction('attribution.attribute');
  const byInfluence = useAction('attribution.attribute');
  const actions: Record<Method, typeof bySpans> = { spans: bySpans, influence: byInfluence };
  const pending = bySpans.pending || byInfluence.pending;
  /** Attributions paid from their panel, with their claim files: they replace what was asked. */
  const [settled, setSettled] = useState<Partial<Record<Method, { attribution: Attribution; claimsFile: string }>>>({});

  if (registered === false) {
    return (
      <p className="pg-why-unregistered field-hint" data-testid="pg-why-unregistered">
        To see why {adapter} answered this, register it on the network first: on the <a href={pageHref('models')}>Models</a> page.
      </p>
    );
  }

  async function run(m: Method): Promise<void> {
    setSettled((s) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== m)));
    setShown((s) => (s.includes(m) ? s : [...s, m].sort((a, b) => Number(b === defaultMethod) - Number(a === defaultMethod))));
    await actions[m].run({ model, adapter, prompt, output, method: m, top: 5 });
  }

  const other: Method = method === 'spans' ? 'influence' : 'spans';
  const done = shown.filter((m) => actions[m].data && !actions[m].pending);
  const locked = shown.some((m) => actions[m].error?.message.startsWith('The wallet is locked') && !actions[m].pending);
  return (
    <div className="pg-why" data-testid="pg-why">
      <div className="pg-why-controls">
        <button type="button" className="button button-small" data-testid="pg-why-button" disabled={pending || registered === null} aria-describedby={`${ids}-hint`} onClick={() => void run(method)}>
          Why this answer?
        </button>
        <label className="visually-hidden" htmlFor={`${ids}-method`}>
          Attribution method
        </label>
        <select id={`${ids}-method`} className="select select-small" value={method} disabled={pending} data-testid="pg-why-method" onChange={(e) => setMethod(e.target.value as Method)}>
          <option value="spans">By matching spans</option>
          <option value="influence">By influence</option>
        </select>
        {done.length === 1 && !shown.includes(other) && (
          <button type="button" className="button button-small" data-testid="pg-why-compare" disabled={pending} onClick={() => void run(other)}>
            Also {METHOD_LABEL[other]}
          </button>
        )}
        {done.length > 0 && !pending && (
          <button type="button" className="button button-small" data-testid="pg-why-close" onClick={() => setShown([])}>
            Hide
          </button>
        )}
      </div>
      <p className="visually-hidden" id={`${ids}-hint`}>
        {METHOD_HINT[method]}
      </p>
      {shown.map((m) => {
        const a = actions[m];
        return a.pending ? (
          <Spinner key={m} label={`Attributing the answer (${m === 'spans' ? 'matching spans' : 'influence'}); the first time this builds an index and can take a while…`} />
        ) : a.error ? (
          <ErrorMessage key={m} error={a.error} context={`Could not attribute this answer ${METHOD_LABEL[m]}.`} testId="pg-why-error" />
        ) : null;
      })}
      {locked && (
        <p className="field-hint" data-testid="pg-why-locked">
          The attribution record is signed with your wallet: unlock it on the <a href={pageHref('wallet')}>Wallet</a> page, then ask again.
        </p>
      )}
      {done.length > 0 && (
        <div className="pg-why-panels" data-count={done.length}>
          {done.map((m) => (
            <WhyPanel
              key={m}
              attribution={settled[m]?.attribution ?? actions[m].data!}
              {...(settled[m] ? { claimsFile: settled[m].claimsFile } : {})}
              onSettled={(attribution, claimsFile) => setSettled((s) => ({ ...s, [m]: { attribution, claimsFile } }))}
            />
          ))}
        </div>
      )}
    </div>
  );
}
