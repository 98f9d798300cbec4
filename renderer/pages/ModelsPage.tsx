import { useState } from 'react';
import type { Adapter, LanguageModel } from '../../shared/api/schemas/models';
import { formatBytes } from '../../shared/format';
import { useAction, useCall, useEvent } from '../api';
import { CallFallback } from '../components/CallFallback';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Page } from '../components/Page';
import { Section } from '../components/Section';
import { AdapterList } from './models/AdapterList';
import { BaseModelList } from './models/BaseModelList';
import { DownloadModelForm } from './models/DownloadModelForm';
import { ExportPeftDialog } from './models/ExportPeftDialog';
import { MergeAdapterDialog } from './models/MergeAdapterDialog';
import { GgufExportDialog, type GgufTarget } from './models/GgufExportDialog';
import { ImportAdapterForm } from './models/ImportAdapterForm';
import { ImportModelForm } from './models/ModelsImport';
import { ManifestVerifyDialog } from './models/ManifestVerifyDialog';
import { RegisterDialog } from './models/RegisterDialog';
import './models/models.css';

type Removing = { kind: 'model'; model: LanguageModel } | { kind: 'adapter'; adapter: Adapter };

/** Base models and the LoRA adapters trained on them or imported: import, export (PEFT, GGUF), delete. */
export function ModelsPage() {
  const models = useCall('models.list', {});
  const adapters = useCall('adapters.list', {});
  const datanets = useCall('datanets.list', {});
  const registered = useCall('models.registrations', {});
  const [registering, setRegistering] = useState<Adapter | null>(null);
  // undefined: closed; null: any manifest; a name: checked against that adapter's files too.
  const [verifying, setVerifying] = useState<string | null | undefined>(undefined);
  const [gguf, setGguf] = useState<GgufTarget | null>(null);
  const [peft, setPeft] = useState<Adapter | null>(null);
  const [merging, setMerging] = useState<Adapter | null>(null);
  const [removing, setRemoving] = useState<Removing | null>(null);

  // A training run that ends installs its adapter; a download, its model.
  const reloadAdapters = adapters.reload;
  const reloadModels = models.reload;
  const reloadRegistered = registered.reload;
  useEvent('job.updated', (job) => {
    if (job.state !== 'succeeded') return;
    if (job.kind === 'training') {
      reloadAdapters();
      reloadRegistered();
    }
    if (job.kind === 'models.download') reloadModels();
  });

  return (
    <Page id="models" title="Models" lead="Base language models on this computer and the LoRA adapters trained on them, each with the data it learned from.">
      <Section title="Base models" testId="models-section">
        {models.data && adapters.data ? (
          <BaseModelList
            models={models.data}
            adapters={adapters.data}
            onExportGguf={(model) => setGguf({ kind: 'model', model })}
            onRemove={(model) => setRemoving({ kind: 'model', model })}
          />
        ) : (
          <CallFallback call={models.data ? adapters : models} what="the models" />
        )}
        <ImportModelForm onImported={(m) => models.setData((prev) => [...(prev ?? []).filter((x) => x.name !== m.name), m].sort((a, b) => a.name.localeCompare(b.name)))} />
        <DownloadModelForm />
      </Section>
      <Section title="Adapters" testId="adapters-section" description="Small LoRA weight sets that specialise a base model; many can share one loaded base.">
        {adapters.data ? (
          <AdapterList
            adapters={adapters.data}
            datanets={datanets.data ?? []}
            registrations={new Map((registered.data?.registrations ?? []).map((r) => [r.adapter, r]))}
            network={registered.data?.network ?? 'the ledger'}
            onRegister={setRegistering}
            onVerifyManifest={(adapter) => setVerifying(adapter.name)}
            onExportPeft={setPeft}
            onExportGguf={(adapter) => setGguf({ kind: 'adapter', adapter })}
            onMerge={setMerging}
            onRemove={(adapter) => setRemoving({ kind: 'adapter', adapter })}
            onChanged={(a) => adapters.setData((prev) => prev?.map((x) => (x.name === a.name ? a : x)))}
          />
        ) : (
          <CallFallback call={adapters} what="the adapters" />
        )}
        {models.data && <ImportAdapterForm models={models.data} onImported={reloadAdapters} />}
        <p className="models-verify-any">
          <button type="button" className="button button-small" data-testid="manifest-verify-any" onClick={() => setVerifying(null)}>
            Verify a training manifest…
          </button>{' '}
          <span className="field-hint">anyone&apos;s, against the network in Settings.</span>
        </p>
      </Section>
      {registering && (
        <RegisterDialog
          key={registering.name}
          adapter={registering}
          network={registered.data?.network ?? 'the ledger'}
          onClose={() => setRegistering(null)}
          onRegistered={(r) => registered.setData((prev) => ({ network: prev?.network ?? '', registrations: [r, ...(prev?.registrations ?? []).filter((x) => x.adapter !== r.adapter)] }))}
        />
      )}
      {verifying !== undefined && <ManifestVerifyDialog key={verifying ?? ''} adapter={verifying} onClose={() => setVerifying(undefined)} />}
      {gguf && <GgufExportDialog key={gguf.kind === 'model' ? gguf.model.name : gguf.adapter.name} target={gguf} onClose={() => setGguf(null)} />}
      {peft && <ExportPeftDialog key={peft.name} adapter={peft} onClose={() => setPeft(null)} />}
      {merging && <MergeAdapterDialog key={merging.name} adapter={merging} onClose={() => setMerging(null)} onMerged={reloadModels} />}
      <RemoveDialog
        removing={removing}
        onClose={() => setRemoving(null)}
        onModels={models.setData}
        onAdapters={adapters.setData}
      />
    </Page>
  );
}

interface RemoveDialogProps {
  removing: Removing | null;
  onClose: () => void;
  onModels: (models: LanguageModel[]) => void;
  onAdapters: (adapters: Adapter[]) => void;
}

function RemoveDialog({ removing, onClose, onModels, onAdapters }: RemoveDialogProps) {
  const removeModel = useAction('models.remove');
  const removeAdapter = useAction('adapters.remove');
  const action = removing?.kind === 'adapter' ? removeAdapter : removeModel;
  const name = removing ? (removing.kind === 'model' ? removing.model.name : removing.adapter.name) : '';
  const bytes = removing ? (removing.kind === 'model' ? removing.model.bytes : removing.adapter.bytes) : 0;

  function close(): void {
    removeModel.reset();
    removeAdapter.reset();
    onClose();
  }

  async function confirm(): Promise<void> {
    if (!removing) return;
    if (removing.kind === 'model') {
      const left = await removeModel.run({ name });
      if (left) {
        onModels(left);
        close();
      }
    } else {
      const left = await removeAdapter.run({ name });
      if (left) {
        onAdapters(left);
        close();
      }
    }
  }

  return (
    <ConfirmDialog
      open={removing !== null}
      title={`Delete ${name}?`}
      confirmLabel={`Delete ${name}`}
      onConfirm={() => void confirm()}
      onClose={close}
      pending={action.pending}
      error={action.error}
      testId="remove-dialog"
    >
      <p>
        {removing?.kind === 'model'
          ? `The model's files (${formatBytes(bytes)}) are deleted from this computer. Adapters trained on it must be deleted first.`
          : `The adapter's files (${formatBytes(bytes)}) are deleted from this computer; export it first to keep a copy.`}
      </p>
    </ConfirmDialog>
  );
}
