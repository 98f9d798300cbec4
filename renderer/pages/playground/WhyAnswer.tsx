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

const METHOD_HINT: Record<Method, string> = {
  spans: 'Spans: the longest pieces of the answer found word for word in the training data (the first time, the version is indexed).',
  influence: "Influence: how much each training example's gradient moves this answer (the first time, the adapter's gradient store is built).",
};

/**
 * "Why this answer?" under an adapter's answer: attributes the answer to the adapter's training
 * examples, their contribution records and contributors. Only a registered adapter can be
 * attributed (the record is signed for settlement), so an unregistered one says where to register.
 */
export function WhyAnswer({ model, adapter, prompt, output, registered, defaultMethod }: WhyAnswerProps) {
  const ids = useId();
  const [method, setMethod] = useState<Method>(defaultMethod);
  const [shown, setShown] = useState(false);
  const attribute = useAction('attribution.attribute');

  if (registered === false) {
    return (
      <p className="pg-why-unregistered field-hint" data-testid="pg-why-unregistered">
        To see why {adapter} answered this, register it on the network first: on the <a href={pageHref('models')}>Models</a> page.
      </p>
    );
  }

  async function run(): Promise<void> {
    setShown(true);
    await attribute.run({ model, adapter, prompt, output, method, top: 5 });
  }

  return (
    <div className="pg-why" data-testid="pg-why">
      <div className="pg-why-controls">
        <button type="button" className="button button-small" data-testid="pg-why-button" disabled={attribute.pending || registered === null} aria-describedby={`${ids}-hint`} onClick={() => void run()}>
          Why this answer?
        </button>
        <label className="visually-hidden" htmlFor={`${ids}-method`}>
          Attribution method
        </label>
        <select id={`${ids}-method`} className="select select-small" value={method} disabled={attribute.pending} data-testid="pg-why-method" onChange={(e) => setMethod(e.target.value as Method)}>
          <option value="spans">By matching spans</option>
          <option value="influence">By influence</option>
        </select>
        {shown && attribute.data && !attribute.pending && (
          <button type="button" className="button button-small" data-testid="pg-why-close" onClick={() => setShown(false)}>
            Hide
          </button>
        )}
      </div>
      <p className="visually-hidden" id={`${ids}-hint`}>
        {METHOD_HINT[method]}
      </p>
      {attribute.pending && <Spinner label={`Attributing the answer (${method === 'spans' ? 'matching spans' : 'influence'}); the first time this builds an index and can take a while…`} />}
      {attribute.error && !attribute.pending && <ErrorMessage error={attribute.error} context="Could not attribute this answer." testId="pg-why-error" />}
      {attribute.error && !attribute.pending && attribute.error.message.startsWith('The wallet is locked') && (
        <p className="field-hint" data-testid="pg-why-locked">
          The attribution record is signed with your wallet: unlock it on the <a href={pageHref('wallet')}>Wallet</a> page, then ask again.
        </p>
      )}
      {shown && attribute.data && !attribute.pending && <WhyPanel attribution={attribute.data} />}
    </div>
  );
}
