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
  webgpu: check({ adapterFound: z.boolean() }),
  anvil: check({ path: z.string().nullable(), version: z.string().nullable() }),
  electron: check({ path: z.string().nullable(), version: z.string().nullable() }),
});
export type DoctorReport = z.infer<typeof DoctorReport>;
export type DoctorCheckName = 'dataDir' | 'sqlite' | 'onnxRuntime' | 'webgpu' | 'anvil' | 'electron';
