import fs from 'node:fs';
import path from 'node:path';
import type { CheckStatus, DoctorReport } from '../../../shared/api/schemas/system';
import { onnxRuntimeInfo } from '../../../engine/runtime/onnxruntime';
import { pickAuto, probeProviders, type ProviderProbe } from '../../../engine/runtime/providers';
import { appVersion } from '../../paths';
import { locateElectron } from '../../electron-binary';
import { anvilVersion, locateAnvil } from '../ledger/anvil-binary';
import { connect, sqliteVersion } from '../store/database';
import { makeFolder } from '../store/make-folder';

interface Check {
  status: CheckStatus;
  detail: string;
  hint: string | null;
}

const ok = (detail: string): Check => ({ status: 'ok', detail, hint: null });
const missing = (detail: string, hint: string): Check => ({ status: 'missing', detail, hint });
const broken = (detail: string, hint: string): Check => ({ status: 'error', detail, hint });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function checkDataDir(dir: string): DoctorReport['dataDir'] {
  try {
    makeFolder(dir);
    const probe = path.join(dir, `.doctor-${process.pid}`);
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
    return { ...ok(`${dir} is writable`), path: dir, writable: true };
  } catch (e) {
    return {
      ...broken(`${dir} is not writable: ${message(e)}`, 'Choose another folder with --data-dir, or fix its permissions.'),
      path: dir,
      writable: false,
    };
  }
}

function checkSqlite(): DoctorReport['sqlite'] {
  try {
    const db = connect(':memory:');
    const version = sqliteVersion(db);
    db.close();
    return { ...ok(`SQLite ${version} (better-sqlite3)`), version };
  } catch (e) {
    return {
      ...broken(`better-sqlite3 does not load: ${message(e)}`, 'Run `npm rebuild better-sqlite3` (it builds from source with g++ and Node headers).'),
      version: null,
    };
  }
}

async function checkOnnxRuntime(): Promise<DoctorReport['onnxRuntime']> {
  try {
    const info = await onnxRuntimeInfo();
    const names = info.executionProviders.map((p) => (p.bundled ? p.name : `${p.name} (not installed)`));
    return { ...ok(`ONNX Runtime ${info.version}: ${names.join(', ')}`), ...info };
  } catch (e) {
    return {
      ...broken(`onnxruntime-node does not load: ${message(e)}`, 'Reinstall with `npm ci`; see README, "GPU".'),
      version: null,
      executionProviders: [],
    };
  }
}

/** Every provider's probe, fresh: the doctor runs after a person changed a driver or an install. */
async function checkProviders(): Promise<{ providers: DoctorReport['providers']; probes: ProviderProbe[] }> {
  const probes = await probeProviders({ fresh: true });
  const results = probes.map((p) => ({ name: p.provider, status: p.status, reason: p.reason, remedy: p.remedy, elapsedMs: p.elapsedMs, adapter: p.adapter }));
  const auto = pickAuto(probes);
  const working = probes.filter((p) => p.status === 'works').map((p) => p.provider);
  const cpu = probes.find((p) => p.provider === 'cpu');
  const detail = `${working.length ? `${working.join(', ')} work${working.length === 1 ? 's' : ''}` : 'none works'}; auto picks ${auto.detail}`;
  const providers =
    cpu?.status === 'works'
      ? { ...ok(detail), results, auto: auto.provider }
      : { ...broken(`${detail}; cpu: ${cpu?.reason ?? 'not probed'}`, cpu?.remedy ?? 'Reinstall with `npm ci`.'), results, auto: auto.provider };
  return { providers, probes };
}

/** The WebGPU line, from the providers' probe (one child process for both). */
function checkWebGpu(probes: readonly ProviderProbe[]): DoctorReport['webgpu'] {
  const probe = probes.find((p) => p.provider === 'webgpu');
  if (probe?.status === 'works') {
    const adapter = probe.adapter!;
    const slow = adapter.kind === 'software' ? '; slower than the CPU provider, so auto passes it over' : '';
    return { ...ok(`ONNX Runtime's WebGPU provider works on a ${adapter.kind} adapter, ${adapter.detail}${slow} (${probe.elapsedMs} ms)`), adapterFound: true, adapter };
  }
  const hint =
    process.platform === 'linux'
      ? 'Training and inference run on the CPU. For WebGPU install your GPU\'s Vulkan driver and libvulkan1; see README, "GPU".'
      : 'Training and inference run on the CPU. Update your GPU driver for WebGPU; see README, "GPU".';
  const reason = probe?.reason ?? 'not probed';
  if (probe?.status === 'failed') return { ...broken(`WebGPU: ${reason}`, probe.remedy ?? hint), adapterFound: false, adapter: null };
  return { ...missing(`WebGPU: ${reason}`, hint), adapterFound: false, adapter: null };
}

async function checkAnvil(): Promise<DoctorReport['anvil']> {
  const where = locateAnvil();
  if (!where.found) {
    return {
      ...missing(`anvil: ${where.reason}`, 'Reinstall with `npm ci`: the local devnet needs @foundry-rs/anvil. A custom RPC in Settings works without it.'),
      path: null,
      version: null,
    };
  }
  try {
    const version = await anvilVersion(where.path);
    return { ...ok(`anvil ${version} at ${where.path}`), path: where.path, version };
  } catch (e) {
    return { ...broken(message(e), 'Reinstall with `npm ci`.'), path: where.path, version: null };
  }
}

function checkElectron(): DoctorReport['electron'] {
  const e = locateElectron();
  if (e.status === 'ok') return { ...ok(`Electron ${e.version} at ${e.path}`), path: e.path, version: e.version };
  return {
    ...missing(
      `Electron ${e.version ?? ''}: ${e.reason}`.replace('  ', ' '),
      'Only the desktop app needs it: `npm start` downloads it on first launch (needs internet once). `npm run serve` works without it.',
    ),
    path: null,
    version: e.version,
  };
}

/** Everything `studio doctor` reports. Required: a writable data folder and a working SQLite; the rest is informational. */
export async function runDoctor(dataDir: string): Promise<DoctorReport> {
  const dataDirCheck = checkDataDir(dataDir);
  const sqlite = checkSqlite();
  const [onnxRuntime, { providers, probes }, anvil] = await Promise.all([checkOnnxRuntime(), checkProviders(), checkAnvil()]);
  return {
    ok: dataDirCheck.status === 'ok' && sqlite.status === 'ok',
    appVersion: appVersion(),
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    dataDir: dataDirCheck,
    sqlite,
    onnxRuntime,
    providers,
    webgpu: checkWebGpu(probes),
    anvil,
    electron: checkElectron(),
  };
}
