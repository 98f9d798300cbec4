/**
 * Every call the UI can make and every event it can hear. The backend's router parses each input
 * with the schema here before a service sees it; the UI's client is typed from the same object,
 * so a renamed field is a compile error on both sides.
 */
import { z } from 'zod';
import { call, event, type CallSpec, type EventSpec } from './define';
import { NoInput } from './schemas/common';
import {
  AnnotateInput,
  AnnotationEvent,
  Datanet,
  DatanetCreateInput,
  DatanetRef,
  DatanetSummary,
  EventRef,
  ImportError,
  ImportId,
  ImportOptionsInput,
  ImportRecord,
  Item,
  ItemId,
  ItemsPage,
  ItemsPageInput,
  ExportInput,
  RecordProof,
  Version,
  VersionCreateInput,
  VersionDiff,
  VersionDiffInput,
  VersionRef,
} from './schemas/datanets';
import { BulkSetInput, ItemsWindow, ItemsWindowInput } from './schemas/browse';
import { ItemPosition, ItemPositionInput, ItemStepInput } from './schemas/navigate';
import {
  Balance,
  BundleVerification,
  ConnectionCheck,
  ContributeInput,
  Contribution,
  ContributionBundle,
  ContributionsListInput,
  LedgerStatus,
  SyncReport,
  WalletConfirmInput,
  WalletDraft,
  WalletImportInput,
  WalletStatus,
} from './schemas/ledger';
import { Job, JobRef, JobsListInput } from './schemas/jobs';
import { Attribution, AttributeInput, AttributionFile, AttributionId, RecordEarning, SettleInput, SettleResult, SpanIndexInfo, SpanIndexTargetInput } from './schemas/attribution';
import { Adapter, AdapterAttributionInput, AdapterExportInput, AdapterImportInput, AdapterMergeInput, GgufExportInput, LanguageModel, LanguageModelImportInput, NamedRef } from './schemas/models';
import { EvalInput, EvalResult, TrainingExampleCounts, TrainingExamplesInput, TrainingRun, TrainStartInput } from './schemas/training';
import { ManifestInput, ManifestResult, ManifestVerification, ManifestVerifyInput, ModelRegisterInput, RegisterResult, RegistrationsResult } from './schemas/registration';
import { CancelInput, CancelResult, GenerateDelta, GenerateInput, GenerateResult } from './schemas/inference';
import { InferenceServerStartInput, InferenceServerStatus } from './schemas/inference-server';
import { Reward, RewardClaimInput, RewardClaimResult, RewardsImportInput, RewardsImportResult } from './schemas/rewards';
import { Settings, SettingsPatch } from './schemas/settings';
import { Status } from './schemas/status';
import { AppInfo, DoctorReport } from './schemas/system';
import {
  AssistStatus,
  DatanetAssistRef,
  Duplicates,
  DuplicatesInput,
  EmbeddingModel,
  ModelDownloadInput,
  ModelImportInput,
  ModelRef,
  SemanticSearchInput,
  SemanticSearchResult,
  SuggestInput,
  Suggestion,
} from './schemas/assist';

export const calls = {
  'app.info': call('Name, version and runtime of the backend the UI talks to.', NoInput, AppInfo),
  'app.doctor': call('The environment checks `studio doctor` prints (takes a few seconds: it probes WebGPU).', NoInput, DoctorReport),
  'status.get': call('What the status bar shows: ledger network, pending outbox, running jobs.', NoInput, Status),
  'settings.get': call('The user settings.', NoInput, Settings),
  'settings.update': call('Change some settings; returns all of them.', SettingsPatch, Settings),
  'jobs.list': call('Recent jobs, newest first, optionally only those in one state, of one kind or about one subject.', JobsListInput, z.array(Job)),
  'jobs.cancel': call('Ask a running job to stop; returns it as it is now.', JobRef, Job),
  'store.backup': call('Start a job that copies studio.db, consistently, into the backups folder.', NoInput, Job),

  'datanets.create': call('Create a datanet from a schema or a Label Studio labeling config.', DatanetCreateInput, Datanet),
  'datanets.list': call('Every datanet with its item and labeled counts.', NoInput, z.array(DatanetSummary)),
  'datanets.get': call('One datanet (by id or name) with its counts.', DatanetRef, DatanetSummary),
  'items.page': call('A page of items in arrival order, filtered and searched; pass `next` back as `after`.', ItemsPageInput, ItemsPage),
  'items.get': call('One item with its current labels.', z.object({ item: ItemId }).strict(), Item),
  'items.window': call('The rows at any position of the filtered, sorted list (previews), with how many match.', ItemsWindowInput, ItemsWindow),
  'items.step': call('The next or previous item (optionally the nearest unlabeled one) from an item or an end, in the datanet or a filtered, sorted list of it; null past the end.', ItemStepInput, z.object({ item: Item.nullable() })),
  'items.position': call("An item's 1-based place in its datanet (or a filtered, sorted list of it), and the list's length.", ItemPositionInput, ItemPosition),
  'annotations.set': call('Set (or with null, clear) one field of one item; returns the new event.', AnnotateInput, AnnotationEvent),
  'annotations.undo': call("Undo an event (the field's latest): a new event puts the value before it back.", EventRef, AnnotationEvent),
  'annotations.redo': call('Redo an undo event (if nothing changed the field since).', EventRef, AnnotationEvent),
  'annotations.history': call("Every annotation event of an item, oldest first.", z.object({ item: ItemId }).strict(), z.array(AnnotationEvent)),
  'annotations.bulkSet': call('Set one field to one value on position ranges of the filtered, sorted list, as a job (one event per item).', BulkSetInput, Job),
  'imports.start': call('Import files and folders into a datanet, as a job.', ImportOptionsInput, z.object({ import: ImportRecord, job: Job })),
  'imports.resume': call('Resume an interrupted, cancelled or failed import, without duplicates.', z.object({ import: ImportId }).strict(), z.object({ import: ImportRecord, job: Job })),
  'imports.list': call("A datanet's imports, newest first.", DatanetRef, z.array(ImportRecord)),
  'imports.errors': call('The problems an import reported (file, line, reason), a page at a time.', z.object({ import: ImportId, after: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(1000).default(100) }).strict(), z.array(ImportError)),

  'versions.create': call('Freeze a datanet into a new version (Merkle root over every record), as a job.', VersionCreateInput, Job),
  'versions.list': call("A datanet's versions, oldest first.", DatanetRef, z.array(Version)),
  'versions.diff': call('Records added, removed and changed from one version to another.', VersionDiffInput, VersionDiff),
  'versions.proof': call("One item's record in a version with its Merkle proof.", z.object({ datanet: DatanetRef.shape.datanet, version: VersionRef, item: ItemId }).strict(), RecordProof),
  'exports.start': call('Export a datanet (items and current labels) as JSONL, CSV, Label Studio JSON or a Hugging Face folder, as a job.', ExportInput, Job),
  'assist.status': call("Assist for a datanet: the model in use (null when none is installed), how many items it has embedded, the running embedding job.", DatanetAssistRef, AssistStatus),
  'assist.embeddings.compute': call('Embed the items the model has not embedded yet, as a job (resumable, incremental); returns the running one if there is one.', DatanetAssistRef, Job),
  'assist.suggest': call("A field's value from the k nearest labeled items, with the neighbours and a confidence.", SuggestInput, Suggestion),
  'assist.duplicates': call('Items of the same datanet whose meaning is at least `threshold` similar (cosine).', DuplicatesInput, Duplicates),
  'assist.search': call("Semantic search: a datanet's items ranked by similarity of meaning to the query.", SemanticSearchInput, SemanticSearchResult),
  'assist.models.list': call('Installed embedding models (folders under models/embeddings).', NoInput, z.array(EmbeddingModel)),
  'assist.models.activate': call('Use this installed model for assist; returns every model.', ModelRef, z.array(EmbeddingModel)),
  'assist.models.import': call('Copy a model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) in, after checking it loads.', ModelImportInput, EmbeddingModel),
  'assist.models.remove': call('Delete an installed model and its stored embeddings; returns the models left.', ModelRef, z.array(EmbeddingModel)),
  'assist.models.download': call('Download a model repository from the Hugging Face hub as a job: resumes partial files, checks checksums.', ModelDownloadInput, Job),
  'wallet.status': call('Whether there is a wallet, its address, and whether it is unlocked.', NoInput, WalletStatus),
  'wallet.create': call('Start creating a wallet: a new recovery phrase, shown once; nothing is saved until wallet.confirm.', NoInput, WalletDraft),
  'wallet.confirm': call('Finish creating a wallet: three words of the phrase typed back, and the password that encrypts it.', WalletConfirmInput, WalletStatus),
  'wallet.import': call('Import a wallet from a recovery phrase, a private key or a keystore file.', WalletImportInput, WalletStatus),
  'wallet.unlock': call('Unlock the wallet for this session (it locks itself when idle).', z.object({ password: z.string() }).strict(), WalletStatus),
  'wallet.lock': call('Lock the wallet now.', NoInput, WalletStatus),
  'wallet.export': call('The encrypted keystore file (JSON v3), to keep elsewhere.', NoInput, z.object({ keystore: z.string(), fileName: z.string() })),
  'wallet.balance': call("The wallet's balance on the configured network.", NoInput, Balance),
  'wallet.fund': call("Devnet faucet: send the wallet native tokens from anvil's development account.", z.object({ eth: z.string().regex(/^\d+(\.\d+)?$/, 'must be an amount like 10 or 0.5').default('10') }).strict(), z.object({ txHash: z.string(), balance: z.string() })),
  'ledger.status': call('The ledger network, the sync state and the outbox counts.', NoInput, LedgerStatus),
  'ledger.check': call('Connect to the configured network and check it: chain id, and code at the contract addresses.', NoInput, ConnectionCheck),
  'ledger.deploy': call("Deploy the app's contracts to the configured network with the wallet, and save their addresses.", NoInput, ConnectionCheck.shape.addresses),
  'ledger.sync': call('Run one sync pass now; null when the wallet is locked or the network is unreachable.', NoInput, SyncReport.nullable()),
  'devnet.start': call('Start the embedded devnet (anvil) and deploy the contracts if needed.', NoInput, LedgerStatus.shape.devnet),
  'devnet.stop': call('Stop the embedded devnet (its state is saved).', NoInput, LedgerStatus.shape.devnet),
  'contributions.create': call('Sign a contribution record for a datanet version, or for some of its items; stored at once, anchored when online.', ContributeInput, Contribution),
  'contributions.list': call('Contribution records, newest first.', ContributionsListInput, z.array(Contribution)),
  'contributions.bundle': call('A contribution with its signature, salt and Merkle proof, as a verifiable bundle.', z.object({ record: z.string() }).strict(), ContributionBundle),
  'contributions.verify': call('Check a bundle: digest, signature, salted root, proof, and the anchor on chain.', z.object({ bundle: z.string().max(1_000_000) }).strict(), BundleVerification),
  'rewards.import': call("Import a claim file (datanet-studio/claims@1): every claim's proof is checked against its payment's shares root on chain.", RewardsImportInput, RewardsImportResult),
  'rewards.list': call("Imported shares paid to this wallet's address, each claimable, claimed or invalid as the chain says.", NoInput, z.array(Reward)),
  'rewards.claim': call('Claim one share with the unlocked wallet (Settlement.claim); it pays the amount to the address.', RewardClaimInput, RewardClaimResult),
  'models.list': call('Installed base language models (Hugging Face folders under models/language), as the engine reads them.', NoInput, z.array(LanguageModel)),
  'models.import': call('Copy a Hugging Face model folder (config.json, tokenizer.json, safetensors) in, after checking its config, checkpoint and tokenizer load.', LanguageModelImportInput, LanguageModel),
  'models.download': call('Download a base language model (config, tokenizer, safetensors weights) from the Hugging Face hub as a job: resumes partial files, checks checksums, installs it once it loads.', ModelDownloadInput, Job),
  'models.register': call("Register an adapter trained here on the network's ModelRegistry with the unlocked wallet: its training manifest's Merkle root, base model id and the owner's fee share go on chain.", ModelRegisterInput, RegisterResult),
  'models.manifest': call("An adapter's training manifest (datanet-studio/training-manifest@1): the registered one, or the one registering would send.", ManifestInput, ManifestResult),
  'models.registrations': call("The installed adapters registered from this app on the configured network (their files unchanged since), with that network's name; it does not connect to the network.", NoInput, RegistrationsResult),
  'models.verifyManifest': call('Check a training manifest: its ids, tree and proofs, and that the ModelRegistry holds its root for its adapter.', ManifestVerifyInput, ManifestVerification),
  'models.remove': call('Delete an installed base model (refused while adapters are trained on it); returns the models left.', NamedRef, z.array(LanguageModel)),
  'models.exportGguf': call('Write a base model, the model with an adapter merged, or an adapter alone (a GGUF LoRA) as one GGUF file in f32, f16 or Q8_0 for llama.cpp, Ollama and LM Studio, as a job (progress in bytes).', GgufExportInput, Job),
  'adapters.list': call('Installed LoRA adapters (PEFT folders under adapters/), each with its base model and lineage.', NoInput, z.array(Adapter)),
  'adapters.import': call("Copy a PEFT adapter folder in for an installed base model, after checking it fits that model's modules and shapes.", AdapterImportInput, Adapter),
  'adapters.export': call('Write an adapter as a PEFT folder (adapter_config.json, adapter_model.safetensors, and our lineage file) into a new or empty folder.', AdapterExportInput, z.object({ path: z.string(), files: z.array(z.string()) })),
  'adapters.merge': call('Merge an adapter into its base model (W + (α/r)·B·A) and install the result as a new base model.', AdapterMergeInput, LanguageModel),
  'adapters.setAttributionMethod': call("Choose how an adapter's answers are attributed (spans or influence) when a call names no method: the one that pays for this model.", AdapterAttributionInput, Adapter),
  'adapters.remove': call('Delete an installed adapter; returns the adapters left.', NamedRef, z.array(Adapter)),
  'training.start': call('Train a LoRA adapter on a datanet version, as a job (progress in steps, loss and tokens/s); starting the same run again resumes it from its last checkpoint.', TrainStartInput, Job),
  'inference.generate': call('Generate with a base model and, optionally, an adapter (the base stays loaded across adapters); text deltas stream as inference.delta events when `request` names the call.', GenerateInput, GenerateResult),
  'inference.cancel': call('Stop the generation that named itself with `request`; its inference.generate call then returns the text so far, finishReason "cancelled".', CancelInput, CancelResult),
  'training.examples': call("How many examples a version gives a field (before a run holds its eval share out), and the records it skips: unlabeled, without text, invalid.", TrainingExamplesInput, TrainingExampleCounts),
  'training.runs': call('Every training run under runs/ (started here, in another window or on the command line) with its input, newest job, newest checkpoint and its losses, and its adapter when installed; newest first.', NoInput, z.array(TrainingRun)),
  'inference.server.start': call('Start the local OpenAI-compatible inference server on 127.0.0.1 (GET /v1/models, POST /v1/completions and /v1/chat/completions, streaming; adapters as base:adapter, batched together on one loaded base); returns its URL and API key. Already running with the same port and key: its status.', InferenceServerStartInput, InferenceServerStatus),
  'inference.server.stop': call('Stop the local inference server (open streams end); returns its status.', NoInput, InferenceServerStatus),
  'inference.server.status': call('Whether the local inference server runs, its URL, API key and counters.', NoInput, InferenceServerStatus),
  'attribution.spanIndex.build': call("Build the span index of a datanet version for a base model's tokenizer, as a job (a second start joins the running build; a built index is a conflict).", SpanIndexTargetInput, Job),
  'attribution.spanIndex.info': call("Where a version's span index for a model's tokenizer lives and whether it is built.", SpanIndexTargetInput, SpanIndexInfo),
  'attribution.attribute': call("Attribute an output of a registered adapter (given, or generated now) to its training examples, contribution records and contributors; the payout list for the fee, and the attribution record signed with the unlocked wallet and kept.", AttributeInput, Attribution),
  'attribution.settle': call('Pay the fee to Settlement with the attribution\'s shares root (re-signing the record when the fee differs) and write the claim file (datanet-studio/claims@1) for the contributors.', SettleInput, SettleResult),
  'attribution.list': call('Attributions made here, newest first.', NoInput, z.array(Attribution)),
  'attribution.get': call('One attribution.', AttributionId, Attribution),
  'attribution.earnings': call('What settled attributions paid each contribution record (wei summed over the settled payments that include it), records never paid left out.', NoInput, z.array(RecordEarning)),
  'attribution.export': call('An attribution as a verifiable file (datanet-studio/attribution@1): record, signature, prompt, output, shares.', AttributionId, AttributionFile),
  'training.eval': call("A model's (and adapter's) mean loss and perplexity over a version's examples, the prompt masked as in training.", EvalInput, EvalResult),
} satisfies Record<string, CallSpec>;

export const events = {
  'job.updated': event('A job started, made progress or ended.', Job),
  'status.changed': event('Something the status bar shows changed.', Status),
  'settings.changed': event('Settings changed (in this window or another).', Settings),
  'inference.delta': event('New text of a generation that named itself with `request`.', GenerateDelta),
} satisfies Record<string, EventSpec>;

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** What a caller may pass (defaults not yet applied). */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What a handler receives (parsed, defaults applied). */
export type ParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
