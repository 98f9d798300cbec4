// makeFolder makes a user's folder one level at a time: Node's recursive mkdir never returns for
// a path under /proc (mkdir keeps failing with ENOENT though the parent exists), which hung the
// whole backend. Each failure names the folder and why.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { makeFolder, MakeFolderError } from '../../electron/backend/store/make-folder';
import { tempDir } from '../fixtures/temp-dir';

it('makes a nested path, and one that exists is fine', () => {
  const dir = tempDir('studio-make-folder-');
  const deep = path.join(dir, 'a', 'b', 'c');
  expect(makeFolder(deep)).toBe(deep);
  expect(fs.statSync(deep).isDirectory()).toBe(true);
  expect(makeFolder(deep)).toBe(deep);
  expect(makeFolder(dir)).toBe(dir);
});

it('refuses a path through a file, naming the file, and makes nothing', () => {
  const dir = tempDir('studio-make-folder-');
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'keep me');
  expect(() => makeFolder(path.join(file, 'sub', 'deeper'))).toThrow(`Cannot make the folder ${path.join(file, 'sub')}: ${file} is a file, not a folder.`);
  expect(() => makeFolder(file)).toThrow(MakeFolderError);
  expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  expect(fs.readdirSync(dir)).toEqual(['a-file']);
});

it.runIf(process.platform === 'linux')('returns at once with the reason for a folder under /proc', () => {
  const started = Date.now();
  let thrown: unknown;
  try {
    makeFolder('/proc/nope/deeper');
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MakeFolderError);
  expect((thrown as MakeFolderError).folder).toBe('/proc/nope');
  expect((thrown as Error).message).toBe('Cannot make the folder /proc/nope: the file system refuses new folders there (ENOENT).');
  expect(Date.now() - started).toBeLessThan(1000);
});
