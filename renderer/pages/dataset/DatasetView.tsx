import { useMemo, useState } from 'react';
import type { DatanetSummary } from '../../../shared/api';
import { useCall, useEvent } from '../../api';
import { CallFallback } from '../../components/CallFallback';
import { Dialog } from '../../components/Dialog';
import { pageHref } from '../../route';
import { ImportPanel } from '../datanets/ImportPanel';
import { useStoredState } from '../../hooks/useStoredState';
import { DatasetToolbar } from './DatasetToolbar';
import { ExportPanel } from './export/ExportPanel';
import { ItemBrowser } from './ItemBrowser';
import { semanticAvailability } from './semantic-availability';
import { SemanticResults } from './SemanticResults';
import { useDebounced } from './useDebounced';
import { VersionsPanel } from './versions/VersionsPanel';
import { DEFAULT_CONTROLS, isFiltered, isViewControls, toFilter, viewControlsKey, type ViewControls } from './view-controls';
import './DatasetView.css';
import { percent } from '../../format';

const initialControls = (): ViewControls => DEFAULT_CONTROLS;

/** Typing pauses this long before a search runs. */
const SEARCH_DEBOUNCE_MS = 250;

/** `#/datanets/<id>`: one datanet's items in a table, to search, filter, select and label in bulk. */
export function DatasetView({ datanetId }: { datanetId: string }) {
  const summary = useCall('datanets.get', { datanet: datanetId });
  if (!summary.data) {
    return (
      <section className="dataset-view" data-testid="dataset-view" aria-label="Datanet">
        {/* In the header row, as when loaded: alone in the view's column, its full-width basis took the whole height and pushed the message to the bottom. */}
        <div className="dv-header">
          <a className="dv-back" href={pageHref('datanets')}>
            ← All datanets
          </a>
        </div>
        <CallFallback call={summary} what="the datanet" />
      </section>
    );
  }
  return <LoadedDataset datanet={summary.data} onChanged={summary.reload} />;
}

function LoadedDataset({ datanet, onChanged }: { datanet: DatanetSummary; onChanged: () => void }) {
  // Kept for this window: a reload, or Back from an item opened here, finds the same search and filters.
  const [controls, setControls] = useStoredState(viewControlsKey(datanet.id), initialControls, isViewControls, 'session');
  const [importing, setImporting] = useState(false);
  const query = useDebounced(controls.text, SEARCH_DEBOUNCE_MS);
  const imports = useCall('imports.list', { datanet: datanet.id });
  const assist = useCall('assist.status', { datanet: datanet.id });
  const { reload: reloadAssist } = assist;
  // A model came or went, items were embedded or imported: what Meaning search can do changed.
  useEvent('job.updated', (job) => {
    if (job.state !== 'running' && ['assist.embeddings', 'assist.download', 'datanet.import'].includes(job.kind)) reloadAssist();
  });
  const semantic = semanticAvailability(assist.data, assist.error);
  // Meaning chosen earlier but no longer possible (the model was removed): words, text kept.
  const shown: ViewControls = semantic.kind === 'ready' ? controls : { ...controls, mode: 'words' };
  const filterKey = JSON.stringify(toFilter(controls, query));
  // One object per distinct filter: the browser's row cache is made per filter object.
  const filter = useMemo(() => JSON.parse(filterKey) as ReturnType<typeof toFilter>, [filterKey]);
  // Rounded down, as the Datanets list and the annotate picker do: 100% only when every item is labeled.
  const labeledShare = percent(datanet.labeledCount, datanet.itemCount) ?? 0;
  const [dialog, setDialog] = useState<'versions' | 'export' | null>(null);

  return (
    <section className="dataset-view" data-testid="dataset-view" aria-labelledby="dataset-title">
      <header className="dv-header">
        <a className="dv-back" href={pageHref('datanets')}>
          ← All datanets
        </a>
        <h1 id="dataset-title" className="dv-title" tabIndex={-1} data-testid="dataset-title">
          {datanet.name}
        </h1>
        <p className="dv-counts" data-testid="dataset-counts">
          {datanet.itemCount.toLocaleString()} items · {datanet.labeledCount.toLocaleString()} labeled ({labeledShare}%)
          {datanet.lastVersion && ` · version ${datanet.lastVersion.number}`}
        </p>
        <button type="button" className="button button-small dv-import" onClick={() => setImporting(true)} data-testid="dataset-import">
          Import files…
        </button>
        <button type="button" className="button button-small" onClick={() => setDialog('versions')} data-testid="dataset-versions">
          Versions…
        </button>
        <button type="button" className="button button-small" onClick={() => setDialog('export')} data-testid="dataset-export">
          Export…
        </button>
      </header>
      <DatasetToolbar controls={shown} onChange={setControls} schema={datanet.schema} imports={imports.data ?? []} semantic={semantic} />
      {shown.mode === 'meaning' ? (
        <SemanticResults datanet={datanet} query={query} onFailed={reloadAssist} />
      ) : (
        <ItemBrowser
          key={`${filterKey}\n${controls.sort}`}
          datanet={datanet}
          filter={filter}
          sort={controls.sort}
          filtered={isFiltered({ ...controls, text: query })}
          onClearFilters={() => setControls({ ...DEFAULT_CONTROLS, sort: controls.sort })}
          onChanged={onChanged}
        />
      )}
      <Dialog open={importing} title={`Import into ${datanet.name}`} onClose={() => setImporting(false)} size="wide" testId="import-dialog">
        <ImportPanel datanet={datanet} />
      </Dialog>
      <Dialog open={dialog === 'versions'} title={`Versions of ${datanet.name}`} onClose={() => setDialog(null)} size="wide" testId="versions-dialog">
        <VersionsPanel datanet={datanet} onChanged={onChanged} />
      </Dialog>
      <Dialog open={dialog === 'export'} title={`Export ${datanet.name}`} onClose={() => setDialog(null)} testId="export-dialog">
        <ExportPanel datanet={datanet} />
      </Dialog>
    </section>
  );
}
