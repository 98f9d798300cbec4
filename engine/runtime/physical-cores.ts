import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/**
 * Physical cores this process may use: ONNX Runtime's CPU kernels gain nothing from a core's
 * second hyper-thread and lose to the contention, so intra-op threads default to this.
 */
export function physicalCores(): number {
  const allowed = os.availableParallelism();
  const physical = process.platform === 'linux' ? linuxPhysicalCores() : process.platform === 'darwin' ? darwinPhysicalCores() : null;
  // A container's CPU limit can be below the machine's core count: never ask for more than that.
  return Math.max(1, Math.min(allowed, physical ?? allowed));
}

/** Distinct sibling sets over the online CPUs: two hyper-threads of one core share one set. */
function linuxPhysicalCores(): number | null {
  const root = '/sys/devices/system/cpu';
  try {
    const cores = new Set<string>();
    for (const name of fs.readdirSync(root)) {
      if (!/^cpu\d+$/.test(name)) continue;
      const online = join(root, name, 'online');
      if (fs.existsSync(online) && fs.readFileSync(online, 'utf8').trim() === '0') continue;
      const siblings = join(root, name, 'topology', 'thread_siblings_list');
      if (fs.existsSync(siblings)) cores.add(fs.readFileSync(siblings, 'utf8').trim());
    }
    return cores.size || null;
  } catch {
    return null;
  }
}

function darwinPhysicalCores(): number | null {
  const r = spawnSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const n = Number.parseInt(r.stdout, 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}
