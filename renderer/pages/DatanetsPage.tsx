import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Datanet } from '../../shared/api';
import { useCall, useEvent } from '../api';
import { CallFallback } from '../components/CallFallback';
import { Dialog } from '../components/Dialog';
import { EmptyState } from '../components/EmptyState';
import { DatanetsIcon } from '../components/icons';
import { Page } from '../components/Page';
import { useHashRoute } from '../hooks/useHashRoute';
import { CreateDatanetDialog } from './datanets/CreateDatanetDialog';
import { DatanetList } from './datanets/DatanetList';
import { DatasetView } from './dataset/DatasetView';
import { ImportPanel } from './datanets/ImportPanel';
import './datanets/datanets.css';

/** `#/datanets`: every datanet; `#/datanets/<id>`: one datanet's items. */
// The return type is spelled out: routes.ts lists this page, and this page reads the route.
export function DatanetsPage(): ReactNode {
  const { params } = useHashRoute();
  const datanetId = params[0];
  return datanetId ? <DatasetView datanetId={datanetId} /> : <DatanetsOverview />;
}

/** Whether a key press was meant for a text field (or a dialog), not for a page shortcut. */
function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return Boolean(t?.closest('input, textarea, select, [contenteditable="true"], dialog[open]'));
}

function DatanetsOverview() {
  const list = useCall('datanets.list', {});
  const [creating, setCreating] = useState(false);
  const [importInto, setImportInto] = useState<Datanet | null>(null);
  const lastReload = useRef(0);

  // Item counts change while an import runs: refresh now and then, and once more when it ends.
  const { reload } = list;
  useEvent('job.updated', (job) => {
    if (job.kind !== 'datanet.import') return;
    const now = Date.now();
    if (job.state !== 'running' || now - lastReload.current > 2000) {
      lastReload.current = now;
      reload();
    }
  });

  useEffect(() => {
    function onKey(e: KeyboardEvent): void {
      if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey || e.repeat || typing(e)) return;
      e.preventDefault();
      setCreating(true);
    }
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const datanets = list.data;
  return (
    <Page
      id="datanets"
      title="Datanets"
      lead="Curated, versioned datasets with a label schema."
    >
      <div className="page-toolbar">
        <button type="button" className="button button-primary" data-testid="create-datanet" aria-keyshortcuts="n" onClick={() => setCreating(true)}>
          Create datanet <kbd className="kbd-hint">N</kbd>
        </button>
      </div>
      {!datanets ? (
        <CallFallback call={list} what="the datanets" />
      ) : datanets.length === 0 ? (
        <EmptyState icon={DatanetsIcon} heading="No datanets yet">
          <p>A datanet is a set of items (texts, images, records) with a label schema, versioned and signed as you contribute.</p>
          <button type="button" className="button button-primary" data-testid="empty-create-datanet" onClick={() => setCreating(true)}>
            Create datanet
          </button>
        </EmptyState>
      ) : (
        <DatanetList datanets={datanets} onImport={setImportInto} />
      )}
      <CreateDatanetDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          reload();
          // An empty datanet's next step is its first import.
          setImportInto(created);
        }}
      />
      <Dialog open={importInto !== null} title={importInto ? `Import into ${importInto.name}` : 'Import'} onClose={() => setImportInto(null)} size="wide" testId="import-dialog">
        {importInto && <ImportPanel datanet={importInto} />}
      </Dialog>
    </Page>
  );
}
