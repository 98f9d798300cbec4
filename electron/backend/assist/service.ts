import path from 'node:path';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { AssistStatus, Duplicates, EmbeddingModel, Neighbour, SemanticSearchResult, Suggestion } from '../../../shared/api/schemas/assist';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { ItemContent } from '../../../shared/datanets/item';
import { findField, type LabelFieldKind } from '../../../shared/datanets/schema';
import type { DatanetService } from '../datanets/service';
import type { JobRunner } from '../jobs/runner';
import type { Logger } from '../log';
import { loadEmbedder, type Embedder } from './embedder';
import type { FolderStore } from '../models/folder-store';
import { embeddingModels } from './models';
import { embeddingText, preview } from './text';
import { EmbeddingStore, scoreAll, topK, type VectorIndex } from './vectors';

/** Field kinds whose value is one pick among labels (or a short list of them): what neighbours can vote on. */
const VOTABLE: ReadonlySet<LabelFieldKind> = new Set(['single_choice', 'image_class', 'multiple_choice', 'rating']);
/** Items embedded per model run: large enough to keep ONNX Runtime busy, small enough for steady progress. */
const BATCH = 32;

export interface AssistDeps {
  dataDir: string;
  datanets: DatanetService;
  jobs: JobRunner;
  log: Logger;
}

interface ItemRow {
  seq: number;
  id: string;
  datanetId: string;
  content: ItemContent;
}

/**
 * Assist: embeddings of a datanet's items under a local model, and what they answer (a label
 * from the nearest labeled items, near-duplicates, semantic search). Models are folders under
 * `<dataDir>/models/embeddings/`, loaded with remote loading off.
 */
export class AssistService {
  readonly models: FolderStore;
  readonly store: EmbeddingStore;
  private readonly embedders = new Map<string, Promise<Embedder>>();
  /** `${datanetId}\n${model}` → the vectors in memory; dropped when new vectors are written. */
  private readonly indexes = new Map<string, VectorIndex | null>();
  /** datanet id → its running embedding job. */
  private readonly computeJobs = new Map<string, string>();

  constructor(private readonly deps: AssistDeps) {
    this.models = embeddingModels(deps.dataDir);
    this.store = new EmbeddingStore(deps.datanets.db);
    this.models.clearInterruptedImports();
  }

  // ---- models ----

  listModels(): EmbeddingModel[] {
    const active = this.activeModel();
    return this.models.list().map((m) => ({ name: m.name, source: m.source, bytes: m.bytes, active: m.name === active }));
  }

  /** The chosen model if it is still installed, else the first installed one, else null. */
  activeModel(): string | null {
    const installed = this.models.list().map((m) => m.name);
    const chosen = this.deps.datanets.db.prepare('SELECT active_model FROM assist_state WHERE id = 1').pluck().get() as string | null | undefined;
    if (chosen && installed.includes(chosen)) return chosen;
    return installed[0] ?? null;
  }

  activate(name: string): EmbeddingModel[] {
    this.models.get(name);
    this.deps.datanets.db
      .prepare('INSERT INTO assist_state (id, active_model) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET active_model = excluded.active_model')
      .run(name);
    return this.listModels();
  }

  /** Copies a model folder in after checking it has every file and that it loads and embeds. */
  async importFolder(from: string, name = path.basename(path.resolve(from))): Promise<EmbeddingModel> {
    await this.models.importFolder(from, name, (staging) => this.checkLoads(staging, 'path'));
    return this.describe(name);
  }

  /** Installs a staged folder (a finished download) once it loads. */
  async installStaged(staging: string, name: string, source: string): Promise<EmbeddingModel> {
    this.models.check(staging, 'repo');
    await this.checkLoads(staging, 'repo');
    this.models.install(staging, name, source);
    return this.describe(name);
  }

  async removeModel(name: string): Promise<EmbeddingModel[]> {
    this.models.get(name);
    for (const [datanetId, jobId] of this.computeJobs) {
      if (this.deps.jobs.get(jobId).state === 'running') throw conflict(`Embeddings are being computed (datanet ${datanetId}); cancel that job before removing a model.`);
    }
    await this.forgetEmbedder(name);
    this.store.dropModel(name);
    for (const key of this.indexes.keys()) if (key.endsWith(`\n${name}`)) this.indexes.delete(key);
    this.models.remove(name);
    return this.listModels();
  }

  private describe(name: string): EmbeddingModel {
    const model = this.listModels().find((m) => m.name === name);
    if (!model) throw new Error(`model ${name} vanished right after it was installed`);
    return model;
  }

  private async checkLoads(dir: string, field: string): Promise<void> {
    let embedder: Embedder | undefined;
    try {
      embedder = await loadEmbedder(dir);
    } catch (error) {
      this.deps.log.error(`Embedding model at ${dir} does not load`, error);
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ApiFailure({ code: 'invalid_input', field, message: `The model does not load as a feature-extraction model: ${reason}` });
    } finally {
      await embedder?.dispose();
    }
  }

  private embedder(name: string): Promise<Embedder> {
    let loading = this.embedders.get(name);
    if (!loading) {
      loading = loadEmbedder(path.join(this.models.root, name));
      // A failed load is not cached: the next call tries again (the folder may have been fixed).
      loading.catch(() => this.embedders.delete(name));
      this.embedders.set(name, loading);
    }
    return loading;
  }

  private async forgetEmbedder(name: string): Promise<void> {
    const loading = this.embedders.get(name);
    this.embedders.delete(name);
    await loading?.then((e) => e.dispose(), () => undefined);
  }

  // ---- embeddings ----

  status(datanetRef: string): AssistStatus {
    const d = this.deps.datanets.datanets.summary(datanetRef);
    const model = this.activeModel();
    return { model, itemCount: d.itemCount, embeddedCount: model ? this.store.count(d.id, model) : 0, job: this.runningJob(d.id) };
  }

  private runningJob(datanetId: string): Job | null {
    const id = this.computeJobs.get(datanetId);
    if (!id) return null;
    const job = this.deps.jobs.get(id);
    return job.state === 'running' ? job : null;
  }

  /**
   * Starts (or returns the running) job that embeds every item the active model has not embedded
   * yet, in batches. Each batch is written in one transaction, so a job cut short resumes where
   * it stopped, and a later run only embeds items imported since.
   */
  computeEmbeddings(datanetRef: string): Job {
    const d = this.deps.datanets.datanets.get(datanetRef);
    const running = this.runningJob(d.id);
    if (running) return running;
    const model = this.requireModel();
    const total = this.deps.datanets.datanets.summary(d.id).itemCount;
    const job = this.deps.jobs.start({ kind: 'assist.embeddings', title: `Embeddings of ${d.name} (${model})`, unit: 'items', total }, async (control) => {
      const embedder = await this.embedder(model);
      let done = this.store.count(d.id, model);
      let added = 0;
      let after = 0;
      control.progress({ done, total });
      for (;;) {
        control.signal.throwIfAborted();
        const rows = this.store.pending(d.id, model, after, BATCH);
        const last = rows.at(-1);
        if (!last) break;
        const texts = rows.map((r) => embeddingText(JSON.parse(r.content) as ItemContent));
        const withText = texts.flatMap((t) => (t === null ? [] : [t]));
        const vectors = await embedder.embed(withText);
        let v = 0;
        this.store.put(
          d.id,
          model,
          rows.map((r, i) => ({ seq: r.seq, vector: texts[i] === null ? new Float32Array(0) : vectors[v++]! })),
        );
        this.indexes.delete(`${d.id}\n${model}`);
        after = last.seq;
        done += rows.length;
        added += rows.length;
        control.progress({ done, total: Math.max(total, done) });
      }
      return `${added} items newly embedded, ${done} in all, with ${model}`;
    });
    this.computeJobs.set(d.id, job.id);
    return job;
  }

  private requireModel(): string {
    const model = this.activeModel();
    if (!model) throw conflict('No embedding model is installed: import a model folder or download one in Settings → Assist.');
    return model;
  }

  private index(datanetId: string, model: string): VectorIndex | null {
    const key = `${datanetId}\n${model}`;
    if (!this.indexes.has(key)) this.indexes.set(key, this.store.loadIndex(datanetId, model));
    return this.indexes.get(key) ?? null;
  }

  private itemRow(itemId: string): ItemRow {
    const item = this.deps.datanets.items.get(itemId);
    return { seq: item.seq, id: item.id, datanetId: item.datanetId, content: item.content };
  }

  /** The item's stored vector, or one computed now (and stored) for an item the job has not reached. */
  private async vectorOf(item: ItemRow, model: string): Promise<Float32Array | null> {
    const stored = this.store.get(item.datanetId, model, item.seq);
    if (stored) return stored.length > 0 ? stored : null;
    const text = embeddingText(item.content);
    if (text === null) return null;
    const [vector] = await (await this.embedder(model)).embed([text]);
    if (!vector) return null;
    // Stored for next time; it joins the neighbours of others at the next embedding run.
    this.store.put(item.datanetId, model, [{ seq: item.seq, vector }]);
    return vector;
  }

  private neighbour(index: VectorIndex, row: number, similarity: number, value: unknown): Neighbour {
    const seq = index.seqs[row]!;
    const found = this.deps.datanets.db.prepare('SELECT id, content FROM items WHERE seq = ?').get(seq) as { id: string; content: string };
    return { itemId: found.id, similarity, value, preview: preview(JSON.parse(found.content) as ItemContent) };
  }

  // ---- what the vectors answer ----

  /** The value most of the k nearest labeled items have, weighted by similarity. */
  async suggest(itemId: string, fieldName: string, k: number): Promise<Suggestion> {
    const item = this.itemRow(itemId);
    const field = findField(this.deps.datanets.datanets.get(item.datanetId).schema, fieldName);
    if (!field) throw new ApiFailure({ code: 'invalid_input', field: 'field', message: `field ${fieldName} is not in this datanet's schema` });
    if (!VOTABLE.has(field.kind)) {
      throw new ApiFailure({ code: 'invalid_input', field: 'field', message: `field ${fieldName} is a ${field.kind} field; suggestions are for choice and rating fields` });
    }
    const model = this.activeModel();
    if (!model) return { kind: 'none', field: fieldName, reason: 'no_model' };
    const query = await this.vectorOf(item, model);
    if (!query) return { kind: 'none', field: fieldName, reason: 'no_text' };
    const index = this.index(item.datanetId, model);
    const labels = new Map(
      (
        this.deps.datanets.db.prepare('SELECT item_seq, value FROM labels WHERE datanet_id = ? AND field = ?').raw().all(item.datanetId, fieldName) as [
          number,
          string,
        ][]
      ).map(([seq, value]) => [seq, value]),
    );
    labels.delete(item.seq);
    if (!index || labels.size === 0) return { kind: 'none', field: fieldName, reason: 'no_labeled_neighbours' };
    const scores = scoreAll(index, query);
    const rows = topK(scores, k, (r) => labels.has(index.seqs[r]!));
    if (rows.length === 0) return { kind: 'none', field: fieldName, reason: 'no_labeled_neighbours' };

    const votes = new Map<string, number>();
    for (const r of rows) {
      const key = labels.get(index.seqs[r]!)!;
      // Dissimilar neighbours barely count; a tiny floor keeps a vote from being worth nothing.
      votes.set(key, (votes.get(key) ?? 0) + Math.max(scores[r]!, 1e-6));
    }
    let winner = '';
    let best = -1;
    let total = 0;
    for (const [key, weight] of votes) {
      total += weight;
      if (weight > best) [winner, best] = [key, weight];
    }
    return {
      kind: 'suggestion',
      field: fieldName,
      value: JSON.parse(winner) as unknown,
      confidence: Math.min(1, best / total),
      neighbours: rows.map((r) => this.neighbour(index, r, scores[r]!, JSON.parse(labels.get(index.seqs[r]!)!) as unknown)),
    };
  }

  /** Items of the same datanet at or above `threshold` cosine similarity, most similar first. */
  async duplicates(itemId: string, threshold: number, limit: number): Promise<Duplicates> {
    const item = this.itemRow(itemId);
    const model = this.activeModel();
    if (!model) return { model: null, items: [] };
    const query = await this.vectorOf(item, model);
    const index = this.index(item.datanetId, model);
    if (!query || !index) return { model, items: [] };
    const scores = scoreAll(index, query);
    const rows = topK(scores, limit, (r) => scores[r]! >= threshold && index.seqs[r] !== item.seq);
    return { model, items: rows.map((r) => this.neighbour(index, r, scores[r]!, null)) };
  }

  /** Items ranked by how close their meaning is to `query`. */
  async search(datanetRef: string, queryText: string, limit: number): Promise<SemanticSearchResult> {
    const d = this.deps.datanets.datanets.get(datanetRef);
    const model = this.requireModel();
    const index = this.index(d.id, model);
    if (!index) return { items: [] };
    const [query] = await (await this.embedder(model)).embed([queryText]);
    if (!query) return { items: [] };
    const scores = scoreAll(index, query);
    const idOf = this.deps.datanets.db.prepare('SELECT id FROM items WHERE seq = ?').pluck();
    return {
      items: topK(scores, limit).map((r) => ({ item: this.deps.datanets.items.get(idOf.get(index.seqs[r]!) as string), score: scores[r]! })),
    };
  }

  /** Frees the loaded models (ONNX sessions). */
  async close(): Promise<void> {
    await Promise.all([...this.embedders.keys()].map((name) => this.forgetEmbedder(name)));
  }
}
