/**
 * A decode session's LoRA inputs as slots any smaller adapter fits into, so switching adapters
 * (or running the base model) feeds other tensors to the same session instead of building one.
 *
 * A session is built for a LoRA shape: a set of modules and a rank r, with the graph's scaling
 * α/r fixed at 1 (alpha = r). An adapter of rank r' ≤ r on a subset of those modules is fed as
 *   A' = [A; 0]            ([r, in]: A's r' rows, then zero rows)
 *   B' = [B·(α'/r'), 0]    ([out, r]: B scaled by the adapter's own scaling, then zero columns)
 * so x·A'ᵀ·B'ᵀ = (x·Aᵀ·Bᵀ)·α'/r', PEFT's term, and the padded rank contributes exact zeros. Modules
 * the adapter leaves alone get zero A and B, as does every module for the base model.
 */
import * as ort from 'onnxruntime-node';
import { loraScaling, type LoraAdapter, type LoraSettings } from '../lora-io/adapter';
import { selectModules } from '../lora-io/modules';
import type { ModelConfig } from '../models/config';
import type { LoraTensorSpec } from '../models/lora';

/** Modules (full names, sorted) and rank of a session's LoRA inputs; no modules: the base graph. */
export interface LoraShape {
  modules: readonly string[];
  r: number;
}

export const BASE_SHAPE: LoraShape = { modules: [], r: 0 };

export function shapeKey(shape: LoraShape): string {
  return `${shape.r}:${shape.modules.join(',')}`;
}

/** The smallest shape that holds an adapter as it is. */
export function adapterShape(adapter: LoraAdapter): LoraShape {
  return { modules: adapter.modules.map((m) => m.module).sort(), r: adapter.settings.r };
}

/** Why `adapter` does not fit `shape`, or null when it does. */
export function misfit(shape: LoraShape, adapter: LoraAdapter | null): string | null {
  if (!adapter) return null;
  if (adapter.settings.r > shape.r) return `rank ${adapter.settings.r} > the session's ${shape.r}`;
  const have = new Set(shape.modules);
  const missing = adapter.modules.find((m) => !have.has(m.module));
  return missing ? `the session has no LoRA input for ${missing.module}` : null;
}

/** Checks that the adapter belongs to this model: its type and each module's size. */
export function checkAdapter(adapter: LoraAdapter, config: ModelConfig, where: string): void {
  if (adapter.modelType !== config.modelType) throw new Error(`${where}: the adapter is for a ${adapter.modelType} model, this model is ${config.modelType}`);
  const r = adapter.settings.r;
  for (const m of adapter.modules) {
    if (m.a.length !== r * m.inFeatures || m.b.length !== m.outFeatures * r) {
      throw new Error(`${where}: adapter module ${m.module} has A of ${m.a.length} and B of ${m.b.length} values, rank ${r} needs ${r}×${m.inFeatures} and ${m.outFeatures}×${r}`);
    }
  }
}

/** The session's LoRA feeds for an adapter (null: zeros, the base model). The caller checked `misfit`. */
export function slotFeeds(specs: readonly LoraTensorSpec[], shape: LoraShape, adapter: LoraAdapter | null): Record<string, ort.Tensor> {
  const byModule = new Map(adapter?.modules.map((m) => [m.module, m]));
  const r = adapter?.settings.r ?? 0;
  const scaling = adapter ? loraScaling(adapter.settings) : 0;
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of specs) {
    const [rows, cols] = s.shape;
    const data = new Float32Array(rows * cols);
    const m = byModule.get(s.module);
    if (m && s.kind === 'A') {
      if (cols !== m.inFeatures) throw new Error(`LoRA ${s.name}: the session takes ${cols} input features, the adapter has ${m.inFeatures}`);
      data.set(m.a); // rows 0..r'-1 of [r, in]
    } else if (m) {
      if (rows !== m.outFeatures) throw new Error(`LoRA ${s.name}: the session takes ${rows} output features, the adapter has ${m.outFeatures}`);
      for (let o = 0; o < rows; o++) for (let j = 0; j < r; j++) data[o * shape.r + j] = m.b[o * r + j]! * scaling;
    }
    feeds[s.name] = new ort.Tensor('float32', data, [rows, cols]);
  }
  return feeds;
}

/** The smallest shape that holds both: every module of either, the larger rank. */
export function widerShape(a: LoraShape, b: LoraShape): LoraShape {
  return { modules: [...new Set([...a.modules, ...b.modules])].sort(), r: Math.max(a.r, b.r) };
}

/** Whether `outer` holds everything `inner` does (its modules, its rank). */
export function holdsShape(outer: LoraShape, inner: LoraShape): boolean {
  const have = new Set(outer.modules);
  return inner.r <= outer.r && inner.modules.every((m) => have.has(m));
}

/** The shape an adapter of these settings has on this model (from adapter_config.json alone, before its tensors are read). */
export function settingsShape(config: ModelConfig, settings: Pick<LoraSettings, 'r' | 'targetModules'>): LoraShape {
  return { modules: selectModules(config, settings.targetModules).map((m) => m.module).sort(), r: settings.r };
}
