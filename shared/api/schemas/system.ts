import { z } from 'zod';

export const Runtime = z.enum(['electron', 'server', 'cli']);
export type Runtime = z.infer<typeof Runtime>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  runtime: Runtime,
  dataDir: z.string(),
  platform: z.string(),
  arch: z.string(),
  versions: z.object({
    node: z.string(),
    electron: z.string().nullable(),
    sqlite: z.string(),
  }),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** ok: works; missing: not installed or not found (the app still runs); error: present but broken. */
export const CheckStatus = z.enum(['ok', 'missing', 'error']);
export type CheckStatus = z.infer<typeof CheckStatus>;

const check = <T extends z.ZodRawShape>(shape: T) =>
  z.object({
    status: CheckStatus,
    /** One line a person reads. */
    detail: z.string(),
    /** What to do about it, when there is something to do. */
    hint: z.string().nullable(),
    ...shape,
  });

export const ExecutionProvider = z.object({
  name: z.string(),
  /** Shipped with this build of onnxruntime-node (CUDA needs the opt-in install, see README). */
  bundled: z.boolean(),
});

/** The execution providers the engine knows (engine/runtime/provider-names.ts), best first. */
export const ExecutionProviderName = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type ExecutionProviderName = z.infer<typeof ExecutionProviderName>;

/** works: ran a test graph correctly; unavailable: not on this system or build, or no device; failed: there but broken. */
export const ExecutionProviderStatus = z.enum(['works', 'unavailable', 'failed']);
export type ExecutionProviderStatus = z.infer<typeof ExecutionProviderStatus>;

/** hardware: a GPU; software: a CPU driver such as SwiftShader (slower than the cpu provider); unknown: cannot tell. */
export const WebGpuAdapter = z.object({ kind: z.enum(['hardware', 'software', 'unknown']), detail: z.string() });

export const ExecutionProviderResult = z.object({
  name: ExecutionProviderName,
  status: ExecutionProviderStatus,
  /** Why it is unavailable or failed. */
  reason: z.string().nullable(),
  /** What to do about it. */
  remedy: z.string().nullable(),
  /** Session creation and one run of the test graph. */
  elapsedMs: z.number().nullable(),
  /** WebGPU only. */
  adapter: WebGpuAdapter.nullable(),
});
export type ExecutionProviderResult = z.infer<typeof ExecutionProviderResult>;

export const DoctorReport = z.object({
  /** False when a check the app cannot run without failed (data folder, SQLite). */
  ok: z.boolean(),
  appVersion: z.string(),
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  dataDir: check({ path: z.string(), writable: z.boolean() }),
  sqlite: check({ version: z.string().nullable() }),
  onnxRuntime: check({ version: z.string().nullable(), executionProviders: z.array(ExecutionProvider) }),
  /** Every execution provider tried on a test graph, best first, and the one 'auto' picks. */
  providers: check({ results: z.array(ExecutionProviderResult), auto: ExecutionProviderName }),
  webgpu: check({ adapterFound: z.boolean(), adapter: WebGpuAdapter.nullable() }),
  anvil: check({ path: z.string().nullable(), version: z.string().nullable() }),
  electron: check({ path: z.string().nullable(), version: z.string().nullable() }),
});
export type DoctorReport = z.infer<typeof DoctorReport>;
export type DoctorCheckName = 'dataDir' | 'sqlite' | 'onnxRuntime' | 'providers' | 'webgpu' | 'anvil' | 'electron';
