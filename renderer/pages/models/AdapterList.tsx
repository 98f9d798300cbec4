import type { DatanetSummary } from '../../../shared/api';
import type { Adapter } from '../../../shared/api/schemas/models';
import type { ModelRegistration } from '../../../shared/api/schemas/registration';
import { formatBytes } from '../../../shared/format';
import { pageHref } from '../../route';
import { AdapterLineageView } from './AdapterLineageView';
import { AttributionMethodSelect } from './AttributionMethodSelect';
import { formatCount } from './format';
import { ManifestExportButton } from './ManifestExportButton';
import { RegisteredView } from './RegisteredView';

interface AdapterListProps {
  adapters: Adapter[];
  datanets: DatanetSummary[];
  /** Registrations on the configured network, by adapter name, and that network's name. */
  registrations: ReadonlyMap<string, ModelRegistration>;
  network: string;
  onRegister: (adapter: Adapter) => void;
  onVerifyManifest: (adapter: Adapter) => void;
  onExportPeft: (adapter: Adapter) => void;
  onExportGguf: (adapter: Adapter) => void;
  onMerge: (adapter: Adapter) => void;
  onRemove: (adapter: Adapter) => void;
  /** The adapter as saved with another attribution method. */
  onChanged: (adapter: Adapter) => void;
}

/** The installed LoRA adapters, each with its base model and where it came from. */
export function AdapterList({ adapters, datanets, registrations, network, onRegister, onVerifyManifest, onExportPeft, onExportGguf, onMerge, onRemove, onChanged }: AdapterListProps) {
  if (adapters.length === 0) {
    return (
      <p className="boxed-list-empty" data-testid="adapters-empty">
        No adapter yet. Train one on a datanet version on the <a href={pageHref('train')}>Train</a> page, or import a PEFT adapter folder below.
      </p>
    );
  }
  return (
    <ul className="boxed-list" data-testid="adapter-list">
      {adapters.map((a) => {
        const registration = registrations.get(a.name);
        return (
          <li key={a.name} className="boxed-row models-row-adapter" data-testid="adapter-row" data-name={a.name}>
            <div className="models-row-head">
              <div className="boxed-row-text">
                <span className="boxed-row-name">{a.name}</span>
                <span className="boxed-row-meta" data-testid="adapter-meta">
                  for {a.base} · rank {a.rank}, alpha {a.alpha} · {Array.isArray(a.targets) ? a.targets.join(', ') : a.targets} · {formatCount(a.parameters)} parameters ·{' '}
                  {formatBytes(a.bytes)}
                </span>
              </div>
              <div className="boxed-row-actions">
                <a className="button button-small" href={pageHref('playground', a.base, a.name)}>
                  Try<span className="visually-hidden"> {a.name} in the playground</span>
                </a>
                {a.lineage && !registration && (
                  <button type="button" className="button button-small" data-testid="adapter-register" onClick={() => onRegister(a)}>
                    Register on ledger…<span className="visually-hidden"> {a.name}</span>
                  </button>
                )}
                <button type="button" className="button button-small" data-testid="adapter-export-peft" onClick={() => onExportPeft(a)}>
                  Export PEFT…<span className="visually-hidden"> of {a.name}</span>
                </button>
                <button type="button" className="button button-small" data-testid="adapter-export-gguf" onClick={() => onExportGguf(a)}>
                  Export GGUF…<span className="visually-hidden"> of {a.name}</span>
                </button>
                <button type="button" className="button button-small" data-testid="adapter-merge" onClick={() => onMerge(a)}>
                  Merge into a new model…<span className="visually-hidden"> {a.name}</span>
                </button>
                <button type="button" className="button button-small" data-testid="adapter-remove" onClick={() => onRemove(a)}>
                  Delete…<span className="visually-hidden"> {a.name}</span>
                </button>
              </div>
            </div>
            {a.lineage ? (
              <AdapterLineageView lineage={a.lineage} datanet={datanets.find((d) => d.id === a.lineage?.datanet)} />
            ) : (
              <p className="boxed-row-meta" data-testid="adapter-lineage-none">
                Imported{a.source ? <> from <span className="mono">{a.source}</span></> : null}: trained elsewhere, so its training data is not known here.
              </p>
            )}
            {registration && (
              <>
                <RegisteredView registration={registration} network={network}>
                  <ManifestExportButton adapter={a.name} />
                  <button type="button" className="button button-small" data-testid="manifest-verify-open" onClick={() => onVerifyManifest(a)}>
                    Verify manifest…<span className="visually-hidden"> of {a.name}</span>
                  </button>
                </RegisteredView>
                <AttributionMethodSelect adapter={a} onChanged={onChanged} />
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
