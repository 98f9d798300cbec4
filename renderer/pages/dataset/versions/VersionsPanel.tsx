import type { Datanet } from '../../../../shared/api';
import { useCall, useEvent } from '../../../api';
import { CallFallback } from '../../../components/CallFallback';
import { CompareVersions } from './CompareVersions';
import { FreezeVersionForm } from './FreezeVersionForm';
import { VersionList } from './VersionList';
import './versions.css';

interface VersionsPanelProps {
  datanet: Datanet;
  /** A version was made: the dataset view's header names the latest. */
  onChanged: () => void;
}

/** A datanet's versions, in the dataset view's Versions dialog: freeze one, list them, compare two. */
export function VersionsPanel({ datanet, onChanged }: VersionsPanelProps) {
  const versions = useCall('versions.list', { datanet: datanet.id });
  const { reload, setData } = versions;
  // One made elsewhere (the CLI, another window) shows up too.
  useEvent('job.updated', (job) => {
    if (job.kind === 'datanet.version' && job.state === 'succeeded') reload();
  });

  return (
    <div className="versions-panel" data-testid="versions-panel">
      <section className="versions-section" aria-labelledby="versions-freeze-title">
        <h3 id="versions-freeze-title" className="versions-title">
          Freeze a new version
        </h3>
        <FreezeVersionForm
          datanet={datanet}
          onFrozen={(list) => {
            setData(list);
            onChanged();
          }}
        />
      </section>
      <section className="versions-section" aria-labelledby="versions-list-title">
        <h3 id="versions-list-title" className="versions-title">
          Versions
        </h3>
        {versions.data ? <VersionList versions={versions.data} /> : <CallFallback call={versions} what="the versions" />}
      </section>
      <section className="versions-section" aria-labelledby="versions-compare-title">
        <h3 id="versions-compare-title" className="versions-title">
          Compare
        </h3>
        {versions.data && <CompareVersions datanetId={datanet.id} versions={versions.data} />}
      </section>
    </div>
  );
}
