/**
 * Generation options: what a call may set, the defaults it falls back on, and the checks.
 *
 * Defaults are layered as transformers layers them: GenerationConfig's own defaults (greedy;
 * when sampling: temperature 1, top-k 50, top-p 1), overridden by the model's
 * generation_config.json (Qwen2.5-Instruct's, for instance, samples at 0.7 with top-p 0.8),
 * overridden by the call. The EOS ids come from generation_config.json, else config.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoraAdapter } from '../lora-io/adapter';
import type { ModelConfig } from '../models/config';
import type { TokenChoice } from './logits-processors';

export interface SamplingOptions {
  /** Sample from the warped distribution; false is greedy. Default: the model's generation_config.json, else false. */
  doSample?: boolean;
  /** Divides the logits before sampling; 0 means greedy. Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens; 0 turns it off. Default 50, as transformers. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability exceeds topP; 1 turns it off. Default 1. */
  topP?: number;
  /** > 1 discourages tokens already in the prompt or the output (transformers' semantics). Default 1. */
  repetitionPenalty?: number;
}

export interface GenerateOptions extends SamplingOptions {
  /** New tokens at most (the EOS token is not counted, nor returned). Default: max_new_tokens of generation_config.json, else 256. */
  maxTokens?: number;
  /** Stop as soon as the text contains one of these; the text ends before it. */
  stop?: readonly string[];
  /** Token ids that end generation; default: the model's (generation_config.json, else config.json). [] never stops on a token. */
  eosTokenIds?: readonly number[];
  /** Seed of the sampling PRNG, so a sampled generation repeats. Default: a random seed. */
  seed?: number;
  /** A LoRA adapter to apply; null or absent: the base model. */
  adapter?: LoraAdapter | null;
  /** Cancels generation: the call rejects (the stream throws) with the signal's reason. */
  signal?: AbortSignal;
}

export interface GenerationDefaults extends Required<SamplingOptions> {
  maxTokens: number;
  eosTokenIds: number[];
}

/** Everything a generation loop needs, checked. */
export interface ResolvedOptions {
  choice: TokenChoice;
  maxTokens: number;
  stop: string[];
  eosTokenIds: Set<number>;
  seed: number;
}

const TRANSFORMERS_DEFAULTS = { doSample: false, temperature: 1, topK: 50, topP: 1, repetitionPenalty: 1 };
const DEFAULT_MAX_TOKENS = 256;

/** The model's defaults: generation_config.json over transformers' GenerationConfig defaults. */
export function readGenerationDefaults(dir: string, config: ModelConfig): GenerationDefaults {
  const file = path.join(dir, 'generation_config.json');
  let raw: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: must be a JSON object`);
    raw = parsed as Record<string, unknown>;
  }
  const num = (key: string, fallback: number): number => {
    const v = raw[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const eos = raw.eos_token_id;
  let eosTokenIds = config.eosTokenIds;
  if (eos !== undefined && eos !== null) {
    const list = Array.isArray(eos) ? (eos as unknown[]) : [eos];
    if (!list.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0)) throw new Error(`${file}: eos_token_id must be a token id or a list of them, got ${JSON.stringify(eos)}`);
    eosTokenIds = list as number[];
  }
  const doSample = raw.do_sample;
  if (doSample !== undefined && doSample !== null && typeof doSample !== 'boolean') throw new Error(`${file}: do_sample must be true or false, got ${JSON.stringify(doSample)}`);
  return {
    doSample: doSample ?? TRANSFORMERS_DEFAULTS.doSample,
    temperature: num('temperature', TRANSFORMERS_DEFAULTS.temperature),
    topK: num('top_k', TRANSFORMERS_DEFAULTS.topK),
    topP: num('top_p', TRANSFORMERS_DEFAULTS.topP),
    repetitionPenalty: num('repetition_penalty', TRANSFORMERS_DEFAULTS.repetitionPenalty),
    maxTokens: num('max_new_tokens', DEFAULT_MAX_TOKENS),
    eosTokenIds: [...eosTokenIds],
  };
}

/** The call's options over the defaults, each checked; a bad value is an error naming the option. */
export function resolveOptions(options: GenerateOptions, defaults: GenerationDefaults, vocabSize: number): ResolvedOptions {
  const o = { ...defaults, ...definedOnly(options) };
  const check = (ok: boolean, name: string, want: string, value: unknown) => {
    if (!ok) throw new Error(`generate: ${name} must be ${want}, got ${JSON.stringify(value)}`);
  };
  check(typeof o.doSample === 'boolean', 'doSample', 'true or false', o.doSample);
  check(Number.isFinite(o.temperature) && o.temperature >= 0, 'temperature', 'a number ≥ 0', o.temperature);
  check(Number.isInteger(o.topK) && o.topK >= 0, 'topK', 'an integer ≥ 0 (0: off)', o.topK);
  check(Number.isFinite(o.topP) && o.topP > 0 && o.topP <= 1, 'topP', 'in (0, 1] (1: off)', o.topP);
  check(Number.isFinite(o.repetitionPenalty) && o.repetitionPenalty > 0, 'repetitionPenalty', 'a number > 0 (1: off)', o.repetitionPenalty);
  check(Number.isInteger(o.maxTokens) && o.maxTokens >= 1, 'maxTokens', 'an integer ≥ 1', o.maxTokens);
  const stop = [...(options.stop ?? [])];
  check(stop.every((s) => typeof s === 'string' && s.length > 0), 'stop', 'a list of non-empty strings', options.stop);
  const eos = [...o.eosTokenIds];
  check(eos.every((id) => Number.isInteger(id) && id >= 0 && id < vocabSize), 'eosTokenIds', `token ids below the vocabulary size ${vocabSize}`, o.eosTokenIds);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  check(Number.isSafeInteger(seed), 'seed', 'an integer', options.seed);
  return {
    // Temperature 0 is the limit of ever sharper sampling: the argmax.
    choice: { doSample: o.doSample && o.temperature > 0, temperature: o.temperature, topK: o.topK, topP: o.topP, repetitionPenalty: o.repetitionPenalty },
    maxTokens: o.maxTokens,
    stop,
    eosTokenIds: new Set(eos),
    seed,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
