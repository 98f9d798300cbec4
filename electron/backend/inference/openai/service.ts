/**
 * The inference server as a backend capability: inference.server.start / stop / status (the
 * Settings page) and `studio serve-models`. One server per backend at a time; closing the backend
 * stops it.
 */
import { conflict } from '../../../../shared/api/errors';
import type { InferenceServerStatus } from '../../../../shared/api/schemas/inference-server';
import type { ModelsService } from '../../models/service';
import type { EngineSettings } from './engines';
import { OpenAiServerError, startOpenAiServer, type RunningOpenAiServer } from './server';

export class InferenceServerService {
  private server: RunningOpenAiServer | null = null;
  /** A start or stop under way: calls wait for it, so two starts never race for the port. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { models: ModelsService; settings?: EngineSettings }) {}

  /** The running server, for the CLI and tests (its engines, counters). */
  get running(): RunningOpenAiServer | null {
    return this.server;
  }

  start(input: { port?: number; apiKey?: string }): Promise<InferenceServerStatus> {
    return this.serial(async () => {
      const s = this.server;
      if (s) {
        if ((input.port === undefined || input.port === s.port) && (input.apiKey === undefined || input.apiKey === s.apiKey)) return this.status();
        throw conflict(`The inference server already runs at ${s.url}; stop it first to start it with another port or key.`);
      }
      try {
        this.server = await startOpenAiServer({ models: this.deps.models, ...this.deps.settings, ...input });
      } catch (error) {
        if (error instanceof OpenAiServerError) throw conflict(error.message);
        throw error;
      }
      return this.status();
    });
  }

  stop(): Promise<InferenceServerStatus> {
    return this.serial(async () => {
      const s = this.server;
      this.server = null;
      await s?.close();
      return this.status();
    });
  }

  async status(): Promise<InferenceServerStatus> {
    const s = this.server;
    if (!s) return { running: false, url: null, port: null, apiKey: null, requests: 0, completionTokens: 0, loaded: [] };
    const loaded = (await s.engines.stats()).map(({ base, stats }) => ({ model: base, steps: stats.steps, largestBatch: stats.largestBatch, active: stats.active, waiting: stats.waiting }));
    return { running: true, url: s.url, port: s.port, apiKey: s.apiKey, requests: s.counters.requests, completionTokens: s.counters.completionTokens, loaded };
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.pending.then(run, run);
    this.pending = next.catch(() => {});
    return next;
  }
}
