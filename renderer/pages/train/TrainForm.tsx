import { useId, useState, type SubmitEvent } from 'react';
import type { DatanetSummary, Job } from '../../../shared/api';
import type { LanguageModel } from '../../../shared/api/schemas/models';
import { toFailure, useApi, useCall } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { pageHref } from '../../route';
import type { ApiFailure } from '../../../shared/api/errors';
import { EstimateView } from './EstimateView';
import type { MeasuredRun } from './estimate';
import { HyperparameterFields } from './HyperparameterFields';
import { askToNotify } from './notify';
import { PRESETS, presetContextNote, presetValues, problems, type Hyperparameters, type PresetId } from './presets';
import type { TrainInput } from './run-points';

/** Schema field kinds training can learn, and how (electron/backend/training/dataset-source.ts). */
const TRAINABLE: Record<string, string> = {
  instruction_pair: 'prompt → response',
  single_choice: 'classification',
  image_class: 'classification',
  free_text: 'text',
};
const ITEM_TEXT = '$text';

interface TrainFormProps {
  datanets: DatanetSummary[];
  models: LanguageModel[];
  /** Run names in use (installed adapters and recorded runs): a new run gets a fresh one. */
  takenNames: ReadonlySet<string>;
  measured: readonly MeasuredRun[];
  busy: boolean;
  onStarted: (input: TrainInput, job: Job, datanetName: string) => void;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '')
      .slice(0, 60) || 'adapter'
  );
}

/** What is wrong with an adapter name, as the backend's ModelName checks it, or null. */
function nameProblem(name: string): string | null {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) return null;
  const allowed = 'letters, digits, “.”, “_” or “-”, starting with a letter or digit';
  if (name === '') return `Name the adapter: ${allowed}.`;
  return name.length > 100 ? 'An adapter name is at most 100 characters.' : `An adapter name is ${allowed}.`;
}

/** Choose the data (datanet, version, field) and the model, a preset or custom settings, see the estimate, start. */
export function TrainForm({ datanets, models, takenNames, measured, busy, onStarted }: TrainFormProps) {
  const client = useApi();
  const ids = useId();
  const [datanetId, setDatanetId] = useState(datanets.find((d) => d.lastVersion)?.id ?? datanets[0]!.id);
  const datanet = datanets.find((d) => d.id === datanetId) ?? datanets[0]!;
  const versions = useCall('versions.list', { datanet: datanet.id });
  const [version, setVersion] = useState<number | 'latest'>('latest');
  const usable = datanet.schema.fields.filter((f) => TRAINABLE[f.kind]);
  const [chosenField, setField] = useState<string | null>(null);
  const field = chosenField !== null && (chosenField === ITEM_TEXT || usable.some((f) => f.name === chosenField)) ? chosenField : (usable[0]?.name ?? ITEM_TEXT);
  const [modelName, setModelName] = useState(models[0]!.name);
  const model = models.find((m) => m.name === modelName) ?? models[0]!;
  const [preset, setPreset] = useState<PresetId>('quick');
  // A preset's values follow the model (its max length cut to the model's context, again when the
  // model changes); custom values are the user's, kept as typed.
  const [custom, setCustom] = useState<Hyperparameters | null>(null);
  const values = preset === 'custom' && custom ? custom : presetValues(preset === 'custom' ? 'quick' : preset, model.contextLength);
  const contextNote = preset === 'custom' ? null : presetContextNote(preset, model.contextLength, model.name);
  const [typedName, setTypedName] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  const versionNumber = version === 'latest' ? datanet.lastVersion?.number : version;
  const suggested = (() => {
    const stem = `${slug(datanet.name)}-v${versionNumber ?? 0}-${preset}`;
    let name = stem;
    for (let i = 2; takenNames.has(name); i++) name = `${stem}-${i}`;
    return name;
  })();
  const out = typedName ?? suggested;
  // What the run will use: examples are never longer than the model's context (the backend cuts them there too).
  const used = { ...values, maxLen: Math.min(values.maxLen, model.contextLength) };
  const bad = problems(values);
  const badName = nameProblem(out);
  const invalid = Object.keys(bad).length > 0 || badName !== null;
  // The examples the run will have, counted as the backend reads them (the field's labeled records, not every record).
  const exampleCounts = useCall('training.examples', { datanet: datanet.id, version: versionNumber ?? 'latest', field });
  const examples = exampleCounts.loading || exampleCounts.error ? null : (exampleCounts.data?.examples ?? null);
  const noVersion = versions.data !== undefined && versions.data.length === 0;
  // The backend's refusal of the name (an adapter or a run of that name exists): said beside the name, as badName is.
  const nameRefusal = failure?.error.code === 'invalid_input' && failure.error.field === 'out' ? failure.error.message : null;
  const nameProblemText = badName ?? nameRefusal;

  function choosePreset(next: PresetId): void {
    // Custom starts from the settings shown above (the preset's, for this model).
    if (next === 'custom') setCustom(values);
    setPreset(next);
  }

  async function onSubmit(e: SubmitEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    if (invalid || noVersion) return;
    askToNotify();
    setStarting(true);
    setFailure(null);
    const input: TrainInput = { model: model.name, datanet: datanet.id, version, field, out, ...values };
    try {
      const job = await client.call('training.start', input);
      setTypedName(null);
      onStarted(input, job, datanet.name);
    } catch (error) {
      setFailure(toFailure(error));
    } finally {
      setStarting(false);
    }
  }

  const disabled = starting || busy;
  return (
    <form className="form train-form" onSubmit={(e) => void onSubmit(e)} data-testid="train-form">
      <div className="train-grid">
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-datanet`}>
            Datanet
          </label>
          <select id={`${ids}-datanet`} className="select" value={datanet.id} disabled={disabled} data-testid="train-datanet" onChange={(e) => setDatanetId(e.target.value)}>
            {datanets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-version`}>
            Version
          </label>
          <select
            id={`${ids}-version`}
            className="select"
            value={String(version)}
            disabled={disabled || noVersion}
            data-testid="train-version"
            onChange={(e) => setVersion(e.target.value === 'latest' ? 'latest' : Number(e.target.value))}
          >
            <option value="latest">Latest{datanet.lastVersion ? ` (v${datanet.lastVersion.number})` : ''}</option>
            {[...(versions.data ?? [])].reverse().map((v) => (
              <option key={v.id} value={v.number}>
                v{v.number} · {v.recordCount.toLocaleString()} records{v.note ? ` · ${v.note}` : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-field`}>
            Learn from
          </label>
          <select id={`${ids}-field`} className="select" value={field} disabled={disabled} data-testid="train-field" onChange={(e) => setField(e.target.value)}>
            {usable.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} ({TRAINABLE[f.kind]})
              </option>
            ))}
            <option value={ITEM_TEXT}>The items&apos; own text (plain text)</option>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-model`}>
            Base model
          </label>
          <select id={`${ids}-model`} className="select" value={model.name} disabled={disabled} data-testid="train-model" onChange={(e) => setModelName(e.target.value)}>
            {models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {noVersion && (
        <p className="field-error" role="alert" data-testid="train-no-version">
          {/* One span: .field-error is a flex row, and its gap set the link apart from the full stop ("its page ."). */}
          <span>
            {datanet.name} has no version yet: training reads a frozen version. Freeze one on <a href={pageHref('datanets', datanet.id)}>its page</a> with Versions… in its header.
          </span>
        </p>
      )}

      <fieldset className="radio-group preset-group" disabled={disabled}>
        <legend className="field-label">Settings</legend>
        {(['quick', 'standard'] as const).map((id) => (
          <label key={id} className="radio">
            <input type="radio" name={`${ids}-preset`} checked={preset === id} onChange={() => choosePreset(id)} data-testid={`preset-${id}`} />
            <span>
              <strong>{PRESETS[id].label}</strong> <span className="muted">— {PRESETS[id].description}</span>
            </span>
          </label>
        ))}
        <label className="radio">
          <input type="radio" name={`${ids}-preset`} checked={preset === 'custom'} onChange={() => choosePreset('custom')} data-testid="preset-custom" />
          <span>
            <strong>Custom</strong> <span className="muted">— start from the settings above and change any of them.</span>
          </span>
        </label>
      </fieldset>
      {preset === 'custom' ? (
        <HyperparameterFields values={values} onChange={setCustom} disabled={disabled} model={model} />
      ) : (
        <div className="preset-summary">
          <p className="muted" data-testid="preset-summary">
            {values.steps} steps · rank {values.rank}, alpha {values.alpha} · learning rate {values.lr} · batch {values.batch}
            {values.gradAccum > 1 ? ` × ${values.gradAccum}` : ''} · up to {values.maxLen} tokens per example ·{' '}
            {values.targets === 'default' ? 'attention query and value' : 'every linear layer'}
          </p>
          {contextNote && (
            <p className="muted" data-testid="preset-context-note">
              {contextNote}
            </p>
          )}
        </div>
      )}

      <div className="field">
        <label className="field-label" htmlFor={`${ids}-out`}>
          Adapter name
        </label>
        <input
          id={`${ids}-out`}
          className="input mono"
          value={out}
          disabled={disabled}
          spellCheck={false}
          autoComplete="off"
          data-testid="train-out"
          aria-invalid={nameProblemText ? true : undefined}
          aria-describedby={`${ids}-out-help${nameProblemText ? ` ${ids}-out-problem` : ''}`}
          onChange={(e) => {
            setTypedName(e.target.value);
            // It was about the name it refused; another name is not refused yet.
            if (nameRefusal) setFailure(null);
          }}
        />
        <span className="field-hint" id={`${ids}-out-help`}>
          The adapter&apos;s name and its run&apos;s. Starting a cancelled run again with the same name and settings resumes it.
        </span>
        {/* Said here, not only by a disabled Start: a name the backend would refuse, or did. */}
        {nameProblemText && (
          <span className="field-error" id={`${ids}-out-problem`} data-testid="train-out-problem">
            {nameProblemText}
          </span>
        )}
      </div>

      <EstimateView model={model} datanet={datanet.id} values={used} examples={examples} measured={measured} />

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={disabled || invalid || noVersion} data-testid="train-start">
          {starting ? 'Starting…' : 'Start training'}
        </button>
        {busy && <span className="field-hint">A run is in progress; start the next when it ends.</span>}
      </div>
      {failure && !nameRefusal && <ErrorMessage error={failure} context="Training did not start." testId="train-start-error" />}
    </form>
  );
}
