import { useMemo, useState } from 'react';
import { useCall, useEvent } from '../api';
import { CallFallback } from '../components/CallFallback';
import { EmptyState } from '../components/EmptyState';
import { ContributionsIcon } from '../components/icons';
import { Page } from '../components/Page';
import { ContributeDialog } from './contributions/ContributeDialog';
import { ContributionsTable } from './contributions/ContributionsTable';
import { SyncPanel } from './contributions/SyncPanel';
import { useVersionNumbers } from './contributions/useVersionNumbers';
import { VerifyDialog } from './contributions/VerifyDialog';
import './contributions/contributions.css';

export function ContributionsPage() {
  const list = useCall('contributions.list', { limit: 200 });
  const ledger = useCall('ledger.status', {});
  const datanets = useCall('datanets.list', {});
  const earnings = useCall('attribution.earnings', {});
  const [dialog, setDialog] = useState<'contribute' | 'verify' | null>(null);
  // Every state change of a record (signed, sent, included, confirmed) also changes the status bar.
  useEvent('status.changed', () => {
    list.reload();
    ledger.reload();
    earnings.reload();
  });
  const records = useMemo(() => list.data ?? [], [list.data]);
  const datanetNames = useMemo(() => new Map((datanets.data ?? []).map((d) => [d.id, d.name])), [datanets.data]);
  const versionNumbers = useVersionNumbers(records);
  const earned = useMemo(() => new Map((earnings.data ?? []).map((e) => [e.recordId, e])), [earnings.data]);

  return (
    <Page id="contributions" wide title="Contributions" lead="Each record is signed on this computer at once, then anchored on the ledger when you are online.">
      <div className="contributions-head">
        <div className="contributions-toolbar">
          <button type="button" className="button button-primary" data-testid="contribute-open" onClick={() => setDialog('contribute')}>
            Contribute a version
          </button>
          <button type="button" className="button" data-testid="verify-open" onClick={() => setDialog('verify')}>
            Verify a bundle
          </button>
        </div>
        <SyncPanel
          ledger={ledger.data}
          onSynced={() => {
            list.reload();
            ledger.reload();
          }}
        />
      </div>
      {list.data ? (
        records.length > 0 ? (
          <ContributionsTable records={records} datanetNames={datanetNames} versionNumbers={versionNumbers} earnings={earned} />
        ) : (
          <EmptyState icon={ContributionsIcon} heading="No contributions yet">
            <p>Contribute a version of a datanet: the record that says it is yours is signed here and waits in the outbox until it is anchored on the ledger.</p>
          </EmptyState>
        )
      ) : (
        <CallFallback call={list} what="the contributions" />
      )}
      <ContributeDialog
        open={dialog === 'contribute'}
        onClose={() => setDialog(null)}
        onCreated={(record) => list.setData((prev) => [record, ...(prev ?? []).filter((r) => r.recordId !== record.recordId)])}
      />
      <VerifyDialog open={dialog === 'verify'} onClose={() => setDialog(null)} />
    </Page>
  );
}
