// The embedded devnet: a local anvil whose chain lives in the data folder. The app starts it (or
// reuses one `studio devnet start` left running), deploys the contracts on first start, and
// records their addresses. State is dumped every 30 s and on a clean stop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Wallet, toQuantity, type JsonRpcProvider } from 'ethers';
import { writeFileAtomic } from '../store/atomic-file';
import { locateAnvil } from './anvil-binary';
import { ANVIL_DEV_KEY, startAnvil, type RunningAnvil } from './anvil-process';
import { deployContracts, missingCode, type ContractAddresses } from './deploy';
import { providerFor } from './provider';

export const DEVNET_CHAIN_ID = 31337;
const STATE_INTERVAL_SECONDS = 30;

export interface DevnetInfo {
  running: boolean;
  rpcUrl: string | null;
  pid: number | null;
  /** Started by this process (stops with it) or by `studio devnet start` (runs on its own). */
  owner: 'app' | 'detached' | null;
  addresses: ContractAddresses | null;
  stateFile: string;
}

interface RunFile {
  pid: number;
  port: number;
}

/** Whether a process of that pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mines empty blocks on the devnet (anvil_mine): it makes a block only when a transaction arrives,
 * so the sync engine asks for the blocks a batch's depth still needs. Never called for an RPC network.
 */
export async function mineBlocks(provider: JsonRpcProvider, blocks: number): Promise<void> {
  await provider.send('anvil_mine', [toQuantity(blocks)]);
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }), signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { result?: string };
    return Number(body.result) === DEVNET_CHAIN_ID;
  } catch {
    return false;
  }
}

/**
 * The anvil a run file names, if it still runs and answers for this chain on its port (the pid
 * alone could be another program's by now); a file naming none is removed.
 */
async function runningFrom(file: string): Promise<{ pid: number; rpcUrl: string } | null> {
  let run: RunFile;
  try {
    run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunFile;
  } catch {
    return null;
  }
  const rpcUrl = `http://127.0.0.1:${run.port}`;
  if (alive(run.pid) && (await answers(rpcUrl))) return { pid: run.pid, rpcUrl };
  fs.rmSync(file, { force: true });
  return null;
}

/** SIGTERM (on which anvil writes its state), then up to 10 s for it to be gone. */
async function terminate(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export class Devnet {
  readonly dir: string;
  readonly stateFile: string;
  private readonly deploymentFile: string;
  private readonly runFile: string;
  /** The pid and port of the anvil this app started, so the next start finds it if the app crashed. */
  private readonly ownFile: string;
  private own: RunningAnvil | null = null;
  private starting: Promise<{ rpcUrl: string; addresses: ContractAddresses }> | null = null;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'devnet');
    this.stateFile = path.join(this.dir, 'state.json');
    this.deploymentFile = path.join(this.dir, 'deployment.json');
    this.runFile = path.join(this.dir, 'anvil.json');
    this.ownFile = path.join(this.dir, 'anvil-app.json');
  }

  /** The running devnet (started if needed) with the contracts deployed on it. */
  ensure(): Promise<{ rpcUrl: string; addresses: ContractAddresses }> {
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  async info(): Promise<DevnetInfo> {
    const detached = await this.detached();
    const rpcUrl = this.own?.rpcUrl ?? detached?.rpcUrl ?? null;
    return {
      running: rpcUrl !== null,
      rpcUrl,
      pid: this.own?.pid ?? detached?.pid ?? null,
      owner: this.own ? 'app' : detached ? 'detached' : null,
      addresses: this.deployment(),
      stateFile: this.stateFile,
    };
  }

  /** Stops the devnet (either kind); anvil writes its state on the way out. */
  async stop(): Promise<boolean> {
    if (this.own) {
      await this.own.stop();
      this.own = null;
      fs.rmSync(this.ownFile, { force: true });
      return true;
    }
    const detached = await this.detached();
    if (!detached) return false;
    await terminate(detached.pid);
    fs.rmSync(this.runFile, { force: true });
    return true;
  }

  /**
   * For `studio devnet start`: anvil in its own process group, logging to devnet/anvil.log,
   * outliving the command. Returns when it answers.
   */
  async startDetached(): Promise<DevnetInfo> {
    if (!(await this.detached())) {
      const where = locateAnvil();
      if (!where.found) throw new Error(`Cannot start the devnet: ${where.reason}`);
      fs.mkdirSync(this.dir, { recursive: true });
      const port = await freePort();
      const log = fs.openSync(path.join(this.dir, 'anvil.log'), 'a');
      const child = spawn(where.path, ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(DEVNET_CHAIN_ID), '--state', this.stateFile, '--state-interval', String(STATE_INTERVAL_SECONDS)], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      fs.closeSync(log);
      if (child.pid === undefined) throw new Error(`anvil could not be started; see ${path.join(this.dir, 'anvil.log')}`);
      const pid = child.pid;
      const rpcUrl = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300 && !(await answers(rpcUrl)); i++) await new Promise((r) => setTimeout(r, 100));
      if (!(await answers(rpcUrl))) throw new Error(`anvil did not answer on ${rpcUrl}; see ${path.join(this.dir, 'anvil.log')}`);
      writeFileAtomic(this.runFile, JSON.stringify({ pid, port } satisfies RunFile));
    }
    await this.ensure();
    return this.info();
  }

  private async start(): Promise<{ rpcUrl: string; addresses: ContractAddresses }> {
    let rpcUrl = this.own?.rpcUrl ?? (await this.detached())?.rpcUrl;
    if (!rpcUrl) {
      fs.mkdirSync(this.dir, { recursive: true });
      await this.stopOrphan();
      this.own = await startAnvil({ chainId: DEVNET_CHAIN_ID, stateFile: this.stateFile, stateIntervalSeconds: STATE_INTERVAL_SECONDS });
      writeFileAtomic(this.ownFile, JSON.stringify({ pid: this.own.pid, port: this.own.port } satisfies RunFile));
      rpcUrl = this.own.rpcUrl;
    }
    const provider = providerFor(rpcUrl, DEVNET_CHAIN_ID, 100);
    try {
      let addresses = this.deployment();
      if (!addresses || (await missingCode(provider, addresses)).length > 0) {
        // First start, or a state file that was lost: deploy (again) and remember where.
        addresses = await deployContracts(new Wallet(ANVIL_DEV_KEY, provider));
        writeFileAtomic(this.deploymentFile, JSON.stringify({ chainId: DEVNET_CHAIN_ID, addresses }, null, 2));
      }
      return { rpcUrl, addresses };
    } finally {
      provider.destroy();
    }
  }

  private deployment(): ContractAddresses | null {
    try {
      return (JSON.parse(fs.readFileSync(this.deploymentFile, 'utf8')) as { addresses: ContractAddresses }).addresses;
    } catch {
      return null;
    }
  }

  /**
   * An anvil started by an app that then died without stopping it (kill -9, a crash) still runs
   * on the same state file and dumps it every 30 s: a second one beside it would have its chain
   * overwritten by the orphan's older one. It is stopped with SIGTERM, on which anvil writes its
   * state, so the new one starts from where the orphan's chain ended.
   */
  private async stopOrphan(): Promise<void> {
    const orphan = await runningFrom(this.ownFile);
    if (orphan) await terminate(orphan.pid);
    fs.rmSync(this.ownFile, { force: true });
  }

  /** A devnet `studio devnet start` left running, if it still answers. */
  private detached(): Promise<{ pid: number; rpcUrl: string } | null> {
    return runningFrom(this.runFile);
  }
}
