import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unpacked } from '../../paths';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** The per-platform package of @foundry-rs/anvil that carries the binary for this machine. */
export function anvilPackageName(platform = process.platform, arch = process.arch): string | null {
  const a = ARCH[arch];
  if (!a || !['linux', 'darwin', 'win32'].includes(platform)) return null;
  if (platform === 'win32' && a !== 'amd64') return null;
  return `@foundry-rs/anvil-${platform}-${a}`;
}

export type AnvilLocation = { found: true; path: string } | { found: false; reason: string };

export function locateAnvil(): AnvilLocation {
  const pkg = anvilPackageName();
  if (!pkg) return { found: false, reason: `anvil has no build for ${process.platform}/${process.arch}` };
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    return { found: false, reason: `the package ${pkg} is not installed` };
  }
  const binary = unpacked(path.join(path.dirname(pkgJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil'));
  if (!fs.existsSync(binary)) return { found: false, reason: `${binary} is missing` };
  return { found: true, path: binary };
}

/** "1.7.1-v1.7.1" style version from `anvil --version`, or an error that says why not. */
export function anvilVersion(binary: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--version'], { timeout: timeoutMs }, (error, stdout) => {
      if (error) return reject(new Error(`${binary} --version failed: ${error.message}`));
      const line = stdout.trim().split('\n')[0] ?? '';
      resolve(line.replace(/^anvil\s+(Version:\s*)?/i, '').trim() || line);
    });
  });
}
