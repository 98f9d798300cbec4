import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot, rendererDir } from '../../electron/paths';
import { CONTENT_SECURITY_POLICY } from '../../electron/transport/csp';

const out = path.join(appRoot(), 'out');

describe('what `npm run build` produces (npm test builds first)', () => {
  it('the preload is CommonJS that requires nothing but electron: a sandboxed preload can load nothing else', () => {
    const preload = fs.readFileSync(path.join(out, 'node', 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('the page carries the same CSP as the shells send (less frame-ancestors, which a meta tag cannot set)', () => {
    const html = fs.readFileSync(path.join(rendererDir(), 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const expected = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors'));
    expect(meta?.split('; ')).toEqual(expected);
  });

  it('the page has no inline script or style and loads nothing from another origin', () => {
    const html = fs.readFileSync(path.join(rendererDir(), 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('the CLI and the main process are ES module bundles', () => {
    for (const file of ['cli.js', 'main.js']) {
      expect(fs.readFileSync(path.join(out, 'node', file), 'utf8')).toMatch(/^import /m);
    }
  });
});
