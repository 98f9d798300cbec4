import { useEffect, useState } from 'react';
import type { ApiFailure } from '../../../shared/api/errors';
import { toFailure, useApi } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AnnotateIcon } from '../../components/icons';
import { Page } from '../../components/Page';
import { Spinner } from '../../components/Spinner';
import { pageHref } from '../../route';

type State = { kind: 'finding' } | { kind: 'empty' } | { kind: 'failed'; error: ApiFailure };

/** `#/annotate/<datanet>`: goes on to the first unlabeled item (or the first item when all have labels). */
export function AnnotateStart({ datanetId }: { datanetId: string }) {
  const api = useApi();
  const [state, setState] = useState<State>({ kind: 'finding' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // An object, not a let: the check below runs after awaits, when the cleanup may have flipped it.
    const run = { current: true };
    (async () => {
      const unlabeled = await api.call('items.step', { datanet: datanetId, unlabeled: true });
      const first = unlabeled.item ?? (await api.call('items.step', { datanet: datanetId })).item;
      if (!run.current) return;
      // replace, not push: Back should leave the annotate view, not bounce through this redirect.
      if (first) location.replace(pageHref('annotate', datanetId, first.id));
      else setState({ kind: 'empty' });
    })().catch((err: unknown) => run.current && setState({ kind: 'failed', error: toFailure(err) }));
    return () => {
      run.current = false;
    };
  }, [api, datanetId, attempt]);

  return (
    <Page id="annotate" title="Annotate">
      {state.kind === 'finding' && <Spinner label="Finding the first item without a label…" />}
      {state.kind === 'empty' && (
        <EmptyState icon={AnnotateIcon} heading="This datanet has no items yet">
          <p>
            Import files into it on the <a href={pageHref('datanets', datanetId)}>Datanets page</a>, then come back to label them.
          </p>
        </EmptyState>
      )}
      {state.kind === 'failed' && <ErrorMessage error={state.error} context="Could not open this datanet." onRetry={() => setAttempt((n) => n + 1)} />}
    </Page>
  );
}
