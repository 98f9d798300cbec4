// The import readers and the folder walk, on real files in temp folders and a real blob store.
// Every bad input of issue 4 point 5 that is about reading is here, each checked for its path,
// its line where the format has lines, and a reason a person understands.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse as parseCsv } from 'csv-parse/sync';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { splitJsonArray } from '../../electron/backend/datanets/import/json-array-splitter';
import { splitRecords } from '../../electron/backend/datanets/import/line-splitter';
import { readerFor } from '../../electron/backend/datanets/import/readers';
import { IMPORT_FORMATS, type FileFormat, type ReadOptions, type WalkEvent } from '../../electron/backend/datanets/import/types';
import { walkSources } from '../../electron/backend/datanets/import/walk';
import {
  HF_LINES,
  INVALID_UTF8_BYTES,
  QUOTED_CSV,
  blobFiles,
  collect,
  jsonl,
  labelStudioExport,
  lsResult,
  readerOptions,
  sortEvents,
  writeFile,
  writeImage,
  writeTruncatedJpeg,
} from '../fixtures/import-files';
import { tempDir } from '../fixtures/temp-dir';

const isRoot = process.getuid?.() === 0;

async function read(format: FileFormat, file: string, options: ReadOptions) {
  return sortEvents(await collect(readerFor(format)(file, options)));
}

async function walk(paths: string[], format: Parameters<typeof walkSources>[1] = 'auto'): Promise<WalkEvent[]> {
  return collect(walkSources(paths, format, new AbortController().signal));
}

const rel = (root: string, events: WalkEvent[]) =>
  events.map((e) => (e.type === 'file' ? `${path.relative(root, e.file.path)}:${e.file.format}` : `ERROR ${path.relative(root, e.path)}: ${e.reason}`));

describe('walkSources', () => {
  it('lists files in sorted order, skips hidden ones, and picks each format from the extension', async () => {
    const dir = tempDir();
    writeFile(dir, 'b.txt', 'b');
    writeFile(dir, 'a.md', '# a');
    writeFile(dir, 'sub/c.csv', 'text\nx\n');
    writeFile(dir, 'sub/d.TSV', 'text\nx\n');
    writeFile(dir, '.hidden/x.txt', 'hidden');
    writeFile(dir, '.dot.txt', 'hidden');
    writeFile(dir, 'plain.jsonl', jsonl([{ text: 'x' }]));
    writeFile(dir, 'chat.jsonl', jsonl(['', { messages: [{ role: 'user', content: 'hi' }] }]));
    writeFile(dir, 'pairs.ndjson', jsonl([{ prompt: 'p', response: 'r' }]));
    writeFile(dir, 'broken.jsonl', '{not json\n');
    await writeImage(dir, 'img.PNG', 'png', 4, 4);
    writeFile(dir, 'export.json', '[]');
    writeFile(dir, 'notes.markdown', 'n');
    writeFile(dir, 'weird.xyz', 'x');
    writeFile(dir, 'Makefile', 'x');
    const events = await walk([dir]);
    expect(rel(dir, events)).toEqual([
      'ERROR Makefile: unsupported file type (no extension); use --format to say how to read it',
      'a.md:text',
      'b.txt:text',
      'broken.jsonl:jsonl',
      'chat.jsonl:hf',
      'export.json:labelstudio',
      'img.PNG:images',
      'notes.markdown:text',
      'pairs.ndjson:hf',
      'plain.jsonl:jsonl',
      'sub/c.csv:csv',
      'sub/d.TSV:csv',
      'ERROR weird.xyz: unsupported file type .xyz; use --format to say how to read it',
    ]);
    const b = events.find((e) => e.type === 'file' && e.file.path.endsWith('b.txt'));
    expect(b).toMatchObject({ file: { path: path.join(dir, 'b.txt'), size: 1 } });
  });

  it('reads every file as the format given, and a hidden path named explicitly', async () => {
    const dir = tempDir();
    writeFile(dir, 'weird.xyz', 'x');
    writeFile(dir, 'data.csv', 'x');
    writeFile(dir, '.skipped', 'x');
    const hidden = writeFile(dir, '.explicit/.named.txt', 'x');
    expect(rel(dir, await walk([dir], 'text'))).toEqual(['data.csv:text', 'weird.xyz:text']);
    expect(rel(dir, await walk([hidden, dir]))).toEqual(['.explicit/.named.txt:text', 'data.csv:csv', 'ERROR weird.xyz: unsupported file type .xyz; use --format to say how to read it']);
  });

  it('reports a symlink loop, enters no folder twice, and goes on', async () => {
    const dir = tempDir();
    writeFile(dir, 'a/one.txt', '1');
    writeFile(dir, 'z/two.txt', '2');
    fs.symlinkSync(dir, path.join(dir, 'a/loop')); // a/loop -> the folder that holds a
    fs.symlinkSync(path.join(dir, 'z'), path.join(dir, 'a/to-z')); // reaches z a second time: read once
    fs.symlinkSync(path.join(dir, 'self'), path.join(dir, 'self')); // a link to itself
    expect(rel(dir, await walk([dir]))).toEqual([
      `ERROR a/loop: symlink loop: this folder is ${fs.realpathSync(dir)}, which contains it; not entered again`,
      'a/one.txt:text',
      'a/to-z/two.txt:text',
      'ERROR self: symlink loop: the link leads back to itself',
    ]);
  });

  it('reports what cannot be read: a broken symlink, a fifo, a missing path', async () => {
    const dir = tempDir();
    writeFile(dir, 'ok.txt', 'fine');
    fs.symlinkSync(path.join(dir, 'gone.txt'), path.join(dir, 'dangling.txt'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.txt')]);
    const events = await walk([dir, path.join(dir, 'missing')]);
    expect(rel(dir, events)).toEqual([
      `ERROR dangling.txt: broken symlink: it points to ${path.join(dir, 'gone.txt')}, which does not exist`,
      'ok.txt:text',
      'ERROR pipe.txt: not a regular file or folder (a fifo, socket or device); skipped',
      'ERROR missing: not found (moved or deleted during the import, or a symlink to nothing)',
    ]);
  });

  // As root, chmod 000 does not stop a read (CAP_DAC_OVERRIDE), so the permission case can only run
  // as an ordinary user; the cases above (broken link, fifo, missing path) cover root runs.
  it.skipIf(isRoot)('reports a folder and a file this account may not read (needs a non-root user)', async () => {
    const dir = tempDir();
    writeFile(dir, 'locked/inside.txt', 'x');
    const secret = writeFile(dir, 'secret.jsonl', jsonl([{ text: 'x' }]));
    fs.chmodSync(path.join(dir, 'locked'), 0o000);
    fs.chmodSync(secret, 0o000);
    try {
      const events = await walk([dir]);
      expect(rel(dir, events)).toEqual([
        'ERROR locked: cannot list this folder: permission denied: this account may not read it',
        'ERROR secret.jsonl: permission denied: this account may not read it',
      ]);
      const { items, errors } = await read('text', secret, readerOptions(dir));
      expect(items).toEqual([]);
      expect(errors).toEqual([{ path: secret, line: null, reason: 'permission denied: this account may not read it' }]);
    } finally {
      fs.chmodSync(path.join(dir, 'locked'), 0o755);
    }
  });
});

describe('the line splitter', () => {
  it('never gathers a line over the limit: memory stays flat while a 256 MB line streams past', async () => {
    // Chunks are fresh 1 MB buffers; a splitter that kept them would hold 256 MB when the line ends.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    async function* source() {
      yield Buffer.from('{"text":"before"}\n');
      for (let i = 0; i < 256; i++) {
        if (i % 16 === 15) {
          // V8 frees ArrayBuffer memory on a background sweeper: collect, let it run, collect again.
          gc();
          await new Promise((resolve) => setTimeout(resolve, 20));
          gc();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
        }
        yield Buffer.alloc(1024 * 1024, 0x78);
      }
      yield Buffer.from('\n{"text":"after"}');
    }
    const events = (await collect(splitRecords(source(), { maxBytes: 1024 }))).filter((e) => e.type !== 'progress');
    expect(events.map((e) => (e.type === 'record' ? `${e.line}:${e.bytes.toString()}` : `${e.line}:${e.type}`))).toEqual([
      '1:{"text":"before"}',
      '2:too-long',
      '3:{"text":"after"}',
    ]);
    expect(events[1]).toEqual({ type: 'too-long', line: 2, bytes: 256 * 1024 * 1024 });
    expect(peak).toBeLessThan(8 * 1024 * 1024); // the chunk in hand; keeping the line would be 256 MB
  });

  it('keeps quoted CSV newlines inside a record and counts the lines they span, across chunk borders', async () => {
    const text = 'a,b\n"x\n""y""\nz",2\nq,"r"\n';
    for (let size = 1; size <= text.length; size++) {
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const events = (await collect(splitRecords(chunks, { maxBytes: 100, csvDelimiter: 0x2c }))).filter((e) => e.type === 'record');
      expect(events.map((e) => [e.line, e.bytes.toString()])).toEqual([
        [1, 'a,b'],
        [2, '"x\n""y""\nz",2'],
        [5, 'q,"r"'],
      ]);
    }
  });

  it('cuts CSV records exactly where csv-parse does, on thousands of random quote-heavy texts', async () => {
    // The CSV reader trusts the splitter's record boundaries and the csv-parse rows to agree.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', ',', '"', '\n', ' '];
    let compared = 0;
    for (let n = 0; n < 5000; n++) {
      const text = Array.from({ length: 2 + Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const events = await collect(splitRecords([Buffer.from(text)], { maxBytes: 100, csvDelimiter: 0x2c }));
      if (events.some((e) => e.type === 'unterminated')) continue;
      const records = events.flatMap((e) => (e.type === 'record' && e.bytes.length > 0 ? [e.bytes.toString()] : []));
      const rows = parseCsv(records.join('\n'), { relax_quotes: true, relax_column_count: true, record_delimiter: '\n', raw: true }) as unknown as { raw: string }[];
      expect(rows.map((r) => r.raw.replace(/\n$/, '')), JSON.stringify(text)).toEqual(records);
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('splits a JSON array into its elements with their lines, strings and nesting respected', async () => {
    const text = '\uFEFF[\n {"a": "], {[\\"]"},\n [1, [2]],\n\n {"b": {"c": []}}\n]\n';
    for (const size of [1, 3, 7, 1000]) {
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const events = (await collect(splitJsonArray(chunks, { maxBytes: 1000 }))).filter((e) => e.type !== 'progress');
      expect(events.map((e) => (e.type === 'element' ? [e.line, JSON.parse(e.bytes.toString()) as unknown] : e))).toEqual([
        [2, { a: '], {["]' }],
        [3, [1, [2]]],
        [5, { b: { c: [] } }],
      ]);
    }
  });
});

describe('text reader', () => {
  it('reads a whole file as one item, with its name, dropping a BOM', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'note.md', '\uFEFF# Titre\n\nCafé ☕ — ok\n');
    const events = await collect(readerFor('text')(file, readerOptions(dir)));
    const { items, errors } = sortEvents(events);
    expect(errors).toEqual([]);
    expect(items).toEqual([{ content: { text: '# Titre\n\nCafé ☕ — ok\n', fields: { filename: 'note.md' }, image: null }, source: { path: file, line: null }, annotations: [] }]);
    expect(events.at(-2)).toEqual({ type: 'bytes', path: file, read: fs.statSync(file).size });
  });

  it('refuses invalid UTF-8 (also a character cut off at the end), empty files and files over the limit', async () => {
    const dir = tempDir();
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['latin1.txt', INVALID_UTF8_BYTES, /^not valid UTF-8 text .*convert it to UTF-8$/],
      ['cut.txt', Buffer.concat([Buffer.from('caf'), Buffer.from([0xc3])]), /^not valid UTF-8/],
      ['empty.txt', '', /^empty file$/],
      ['blank.txt', ' \n\t\n', /^empty file: only whitespace$/],
      ['big.txt', 'x'.repeat(2048), /^the file is 2\.0 KB, over the 1\.0 KB limit; skipped$/],
    ];
    for (const [name, content, reason] of cases) {
      const file = writeFile(dir, name, content);
      const { items, errors } = await read('text', file, readerOptions(dir, { maxLineBytes: 1024 }));
      expect(items, name).toEqual([]);
      expect(errors, name).toEqual([{ path: file, line: null, reason: expect.stringMatching(reason) as string }]);
    }
  });

  it('reports a folder or a missing file where a file was expected, without throwing', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'folder.txt'));
    for (const [name, reason] of [
      ['folder.txt', 'is a folder, not a file'],
      ['missing.txt', 'not found (moved or deleted during the import, or a symlink to nothing)'],
    ]) {
      const { items, errors } = await read('text', path.join(dir, name!), readerOptions(dir));
      expect(items).toEqual([]);
      expect(errors).toEqual([{ path: path.join(dir, name!), line: null, reason }]);
    }
  });
});

describe('JSONL reader', () => {
  it('maps keys: text, other keys to fields (nested as JSON), schema-named keys to validated labels', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'reviews.jsonl',
      jsonl([
        { id: 1, text: 'Great price', sentiment: 'positive', topics: ['price'], meta: { a: [1] }, ok: true, none: null },
        '',
        { id: 2, text: 'Meh', sentiment: 'meh', stars: 9 },
        { text: '   ' },
        { review: 'no text key, first string wins', n: 3 },
        { n: 4 },
        [1, 2],
      ]),
    );
    const { items, errors } = await read('jsonl', file, readerOptions(dir));
    expect(items).toEqual([
      {
        content: { text: 'Great price', fields: { id: 1, meta: '{"a":[1]}', ok: true, none: null }, image: null },
        source: { path: file, line: 1 },
        annotations: [
          { field: 'sentiment', value: 'positive', author: null },
          { field: 'topics', value: ['price'], author: null },
        ],
      },
      { content: { text: 'Meh', fields: { id: 2 }, image: null }, source: { path: file, line: 3 }, annotations: [] },
      { content: { text: 'no text key, first string wins', fields: { n: 3 }, image: null }, source: { path: file, line: 5 }, annotations: [] },
    ]);
    expect(errors).toEqual([
      { path: file, line: 3, reason: `label 'sentiment' (from 'sentiment'): must be one of: positive, negative, neutral (got "meh"); imported without this label` },
      { path: file, line: 3, reason: `label 'stars' (from 'stars'): Too big: expected number to be <=5 (got 9); imported without this label` },
      { path: file, line: 4, reason: 'the text is empty' },
      { path: file, line: 6, reason: "no text: the record has no string value; name the text's key with a map text=KEY" },
      { path: file, line: 7, reason: 'expected a JSON object on the line, found an array' },
    ]);
  });

  it('follows --map: the text key, a label from another key, a renamed field', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'm.jsonl', jsonl([{ body: 'mapped', label: 'negative', headline: 'H', sentiment: 'positive' }, { label: 'neutral' }]));
    const { items, errors } = await read('jsonl', file, readerOptions(dir, { map: { text: 'body', sentiment: 'label', title: 'headline' } }));
    expect(items).toEqual([
      {
        // `sentiment` (the key) is not the label: the map names `label` for that field, so the key stays a field.
        content: { text: 'mapped', fields: { title: 'H', sentiment: 'positive' }, image: null },
        source: { path: file, line: 1 },
        annotations: [{ field: 'sentiment', value: 'negative', author: null }],
      },
    ]);
    expect(errors).toEqual([{ path: file, line: 2, reason: "no value for 'body' (the text, named by the map text=body)" }]);
  });

  it('reports broken JSON, invalid UTF-8 and over-long lines by line number and reads the rest', async () => {
    const dir = tempDir();
    const long = JSON.stringify({ text: 'x'.repeat(200_000) });
    const content = Buffer.concat([
      Buffer.from('{"text":"one"}\r\n{"text": "two",}\n'),
      INVALID_UTF8_BYTES,
      Buffer.from(`${long}\n\n{"text":"six"}\n{"text":"seven"}`), // the last line has no newline
    ]);
    const file = writeFile(dir, 'bad.jsonl', content);
    const events = await collect(readerFor('jsonl')(file, readerOptions(dir, { maxLineBytes: 1024 })));
    const { items, errors } = sortEvents(events);
    expect(items.map((i) => [i.source.line, i.content.text])).toEqual([
      [1, 'one'],
      [6, 'six'],
      [7, 'seven'],
    ]);
    expect(errors).toEqual([
      { path: file, line: 2, reason: expect.stringMatching(/^broken JSON: .*JSON at position 15/) as string },
      { path: file, line: 3, reason: expect.stringMatching(/^not valid UTF-8 text/) as string },
      { path: file, line: 4, reason: 'the line is 195.3 KB, over the 1.0 KB limit; skipped' },
    ]);
    expect(events.filter((e) => e.type === 'bytes').at(-1)).toEqual({ type: 'bytes', path: file, read: content.length });
  });

  it('calls a file with no lines empty', async () => {
    const dir = tempDir();
    for (const content of ['', '\n\n  \n']) {
      const file = writeFile(dir, 'empty.jsonl', content);
      expect(await read('jsonl', file, readerOptions(dir))).toEqual({ items: [], errors: [{ path: file, line: null, reason: 'empty file: no lines to import' }] });
    }
  });
});

describe('HF reader', () => {
  it('renders instruction and chat records as text, keeps them as fields, and labels the instruction pair', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'hf.jsonl', jsonl([...HF_LINES, { prompt: '', response: 'r' }, { question: 'q' }, { messages: [{ role: 'user' }] }]));
    const { items, errors } = await read('hf', file, readerOptions(dir));
    expect(items).toEqual([
      {
        content: { text: 'Be brief.\n\nWhat is 2+2?\n\n4', fields: { source: 'math', system: 'Be brief.', prompt: 'What is 2+2?', response: '4' }, image: null },
        source: { path: file, line: 1 },
        annotations: [{ field: 'pair', value: { system: 'Be brief.', prompt: 'What is 2+2?', response: '4' }, author: null }],
      },
      {
        content: {
          text: 'system: You are kind.\n\nuser: Hi\n\nassistant: Hello!\n\nuser: Name a colour\n\nassistant: Blue',
          fields: {
            messages: [
              { role: 'system', content: 'You are kind.' },
              { role: 'user', content: 'Hi' },
              { role: 'assistant', content: 'Hello!' },
              { role: 'user', content: 'Name a colour' },
              { role: 'assistant', content: 'Blue' },
            ],
          },
          image: null,
        },
        source: { path: file, line: 2 },
        annotations: [{ field: 'pair', value: { system: 'You are kind.', prompt: 'Name a colour', response: 'Blue' }, author: null }],
      },
      {
        content: { text: 'Say yes\n\nyes', fields: { prompt: 'Say yes', completion: 'yes' }, image: null },
        source: { path: file, line: 3 },
        annotations: [{ field: 'pair', value: { system: '', prompt: 'Say yes', response: 'yes' }, author: null }],
      },
      { content: { text: 'r', fields: { prompt: '', response: 'r' }, image: null }, source: { path: file, line: 4 }, annotations: [] },
    ]);
    expect(errors).toEqual([
      { path: file, line: 4, reason: expect.stringMatching(/^label 'pair' \(from the prompt and response\): prompt: must not be empty .*imported without this label$/) as string },
      { path: file, line: 5, reason: 'not a Hugging Face record: expected prompt and response strings, or messages [{role, content}]' },
      { path: file, line: 6, reason: 'messages[0] must be {role: string, content: string}' },
    ]);
  });

  it('makes no annotation when the schema has no instruction_pair field', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'hf.jsonl', jsonl([HF_LINES[0]]));
    const { items } = await read('hf', file, readerOptions(dir, { schema: { fields: [{ kind: 'free_text', name: 'notes' }] } }));
    expect(items.map((i) => i.annotations)).toEqual([[]]);
  });
});

describe('CSV reader', () => {
  it('reads RFC 4180 quoting (delimiters, quotes, newlines in fields, CRLF) and maps columns to labels', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'reviews.csv', `\uFEFF${QUOTED_CSV}`);
    const { items, errors } = await read('csv', file, readerOptions(dir));
    expect(errors).toEqual([]);
    expect(items).toEqual([
      {
        content: { text: 'Hello, world', fields: { id: '1' }, image: null },
        source: { path: file, line: 2 },
        annotations: [
          { field: 'sentiment', value: 'positive', author: null },
          { field: 'topics', value: ['price', 'service'], author: null },
        ],
      },
      { content: { text: 'She said "wow"', fields: { id: '2' }, image: null }, source: { path: file, line: 3 }, annotations: [{ field: 'sentiment', value: 'negative', author: null }] },
      {
        content: { text: 'two\r\nlines', fields: { id: '3' }, image: null },
        source: { path: file, line: 4 },
        annotations: [
          { field: 'sentiment', value: 'neutral', author: null },
          { field: 'topics', value: ['quality'], author: null },
        ],
      },
      { content: { text: 'plain text', fields: { id: '4' }, image: null }, source: { path: file, line: 6 }, annotations: [{ field: 'topics', value: ['quality'], author: null }] },
    ]);
  });

  it('reads TSV with tabs, the first column as text when there is no text column', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'data.tsv', 'review\tstars\tnote\nGood, really\t4\thas "quotes" inside\nBad\tfive\t\n');
    const { items, errors } = await read('csv', file, readerOptions(dir));
    expect(items).toEqual([
      { content: { text: 'Good, really', fields: { note: 'has "quotes" inside' }, image: null }, source: { path: file, line: 2 }, annotations: [{ field: 'stars', value: 4, author: null }] },
      { content: { text: 'Bad', fields: { note: '' }, image: null }, source: { path: file, line: 3 }, annotations: [] },
    ]);
    expect(errors).toEqual([{ path: file, line: 3, reason: `label 'stars' (from 'stars'): Invalid input: expected number, received string (got "five"); imported without this label` }]);
  });

  it('reports rows with the wrong column count, over-long and invalid UTF-8 records by line, and reads the rest', async () => {
    const dir = tempDir();
    const content = Buffer.concat([
      Buffer.from(`text,sentiment\nfirst,positive\nno comma here\n"quoted and ${'long '.repeat(400)}\nover two lines",negative\na,b,c\n`),
      Buffer.from('bad '),
      INVALID_UTF8_BYTES,
      Buffer.from('\n\nlast,neutral'),
    ]);
    const file = writeFile(dir, 'rows.csv', content);
    const { items, errors } = await read('csv', file, readerOptions(dir, { maxLineBytes: 1024 }));
    expect(items.map((i) => [i.source.line, i.content.text, i.annotations[0]?.value])).toEqual([
      [2, 'first', 'positive'],
      [10, 'last', 'neutral'],
    ]);
    expect(errors).toEqual([
      { path: file, line: 3, reason: 'this row has 1 column, the header has 2; skipped' },
      { path: file, line: 4, reason: 'the record is 2.0 KB, over the 1.0 KB limit; skipped' },
      { path: file, line: 6, reason: 'this row has 3 columns, the header has 2; skipped' },
      { path: file, line: 7, reason: expect.stringMatching(/^not valid UTF-8/) as string },
    ]);
  });

  it('reports a quote never closed, a repeated header name, a map to a missing column, and empty files', async () => {
    const dir = tempDir();
    const cases: [string, string, ReadOptions['map'], { line: number | null; reason: string }[], number][] = [
      ['open.csv', 'text\nok\n"never closed\nmore\n', {}, [{ line: 3, reason: 'a quoted field opens on line 3 and is never closed; the rest of the file was skipped' }], 1],
      ['dup.csv', 'text,a,a\nx,1,2\n', {}, [{ line: 1, reason: "the header names the column 'a' twice; rename one so no column is lost; file skipped" }], 0],
      ['map.csv', 'body\nx\n', { text: 'body', sentiment: 'label' }, [{ line: 1, reason: 'the map sentiment=label names no column of the header (body)' }], 1],
      ['maptext.csv', 'body\nx\n', { text: 'content' }, [{ line: 1, reason: 'the map text=content names no column of the header (body); file skipped' }], 0],
      ['header.csv', 'text,sentiment\r\n', {}, [{ line: null, reason: 'the file has a header row but no records' }], 0],
      ['empty.csv', '', {}, [{ line: null, reason: 'empty file: no header row' }], 0],
    ];
    for (const [name, content, map, expected, itemCount] of cases) {
      const file = writeFile(dir, name, content);
      const { items, errors } = await read('csv', file, readerOptions(dir, { map }));
      expect(errors, name).toEqual(expected.map((e) => ({ path: file, ...e })));
      expect(items.length, name).toBe(itemCount);
    }
  });
});

describe('images reader', () => {
  it('stores png, jpeg, webp and gif with their size and a thumbnail of at most 256 px', async () => {
    const dir = tempDir();
    // Pictures with an alpha channel (writeImage's png and gif, rendered from an SVG) get a WebP
    // thumbnail, as JPEG would lose the transparency; opaque ones (its jpeg, and its webp, whose
    // encoder drops an all-opaque alpha) get a JPEG thumbnail.
    const cases = [
      ['wide.png', 'png', 600, 300, 'image/png', [256, 128], 'webp'],
      ['photo.jpg', 'jpeg', 120, 90, 'image/jpeg', [120, 90], 'jpeg'],
      ['tall.webp', 'webp', 200, 400, 'image/webp', [128, 256], 'jpeg'],
      ['anim.gif', 'gif', 40, 30, 'image/gif', [40, 30], 'webp'],
      ['opaque.png', 'png', 300, 600, 'image/png', [128, 256], 'jpeg'],
    ] as const;
    for (const [name, format, width, height, mime, thumbSize, thumbFormat] of cases) {
      const file =
        name === 'opaque.png'
          ? writeFile(dir, name, await sharp({ create: { width, height, channels: 3, background: '#4a8' } }).png().toBuffer())
          : await writeImage(dir, name, format, width, height);
      const options = readerOptions(dir);
      const events = await collect(readerFor('images')(file, options));
      const { items, errors } = sortEvents(events);
      expect(errors).toEqual([]);
      expect(items).toHaveLength(1);
      const { content } = items[0]!;
      expect(content).toMatchObject({ text: '', fields: { filename: name }, image: { mime, width, height } });
      // The blob is the file, byte for byte; the thumbnail is no bigger than 256 px.
      expect(fs.readFileSync(options.blobs.pathOf(content.image!.cid))).toEqual(fs.readFileSync(file));
      const thumb = await sharp(options.blobs.pathOf(content.image!.thumbCid!)).metadata();
      expect([thumb.format, thumb.width, thumb.height], name).toEqual([thumbFormat, ...thumbSize]);
      expect(events.at(-1)).toEqual({ type: 'bytes', path: file, read: fs.statSync(file).size });
    }
  });

  it('refuses a corrupt image and leaves no blob behind', async () => {
    const dir = tempDir();
    const cases: [string, RegExp][] = [
      [await writeTruncatedJpeg(dir, 'cut.jpg'), /^corrupt image: .*premature end/i],
      [writeFile(dir, 'noise.png', 'this is not a png at all'), /^not an image this app reads: its bytes are not a png, jpeg, webp or gif picture, whatever its name says$/],
      [writeFile(dir, 'empty.gif', ''), /^empty file$/],
      [writeFile(dir, 'pic.bmp', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])), /^a bmp image; only png, jpeg, webp and gif are imported$/],
    ];
    for (const [file, reason] of cases) {
      const options = readerOptions(dir);
      const { items, errors } = await read('images', file, options);
      expect(items, file).toEqual([]);
      expect(errors, file).toEqual([{ path: file, line: null, reason: expect.stringMatching(reason) as string }]);
      expect(blobFiles(options.blobs), file).toEqual([]);
    }
  });
});

describe('Label Studio reader', () => {
  async function exportFolder() {
    const root = tempDir();
    const image = await writeImage(root, 'media/cat.png', 'png', 64, 48);
    const file = writeFile(root, 'export/project.json', JSON.stringify(labelStudioExport('../media/cat.png'), null, 2));
    return { root, image, file };
  }

  it('reads tasks with every result type, the last annotation per control, and the image beside the export', async () => {
    const { root, image, file } = await exportFolder();
    const options = readerOptions(root);
    const { items, errors } = await read('labelstudio', file, options);
    expect(errors).toEqual([]);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      content: { text: 'Ada Lovelace met Babbage at the Royal Society.', fields: { source: 'wiki' }, image: null },
      source: { path: file, line: 2 },
      annotations: [
        { field: 'sentiment', value: 'positive', author: 'ann@example.org' },
        { field: 'stars', value: 2, author: '1' },
        {
          field: 'entities',
          value: [
            { start: 0, end: 12, label: 'PER' },
            { start: 33, end: 46, label: 'ORG' },
          ],
          author: 'ann@example.org',
        },
        { field: 'notes', value: 'first line\nsecond line', author: 'ann@example.org' },
        { field: 'topics', value: ['price', 'quality'], author: 'ann@example.org' },
      ],
    });
    const imageTask = items[1]!;
    expect(imageTask.content).toMatchObject({ text: '', fields: { filename: 'cat.png' }, image: { mime: 'image/png', width: 64, height: 48 } });
    expect(fs.readFileSync(options.blobs.pathOf(imageTask.content.image!.cid))).toEqual(fs.readFileSync(image));
    expect(imageTask.annotations).toEqual([
      {
        field: 'boxes',
        value: [
          { x: 10, y: 20, width: 30, height: 40, label: 'cat' },
          { x: 50, y: 50, width: 25.5, height: 10, label: 'dog' },
        ],
        author: '5',
      },
      { field: 'animal', value: 'cat', author: '5' },
    ]);
    expect(imageTask.source.line).toBeGreaterThan(2);
  });

  it('resolves absolute paths and local-files URLs inside the import folder', async () => {
    const { root, image } = await exportFolder();
    const tasks = [
      { id: 1, data: { image } },
      { id: 2, data: { image: '/data/local-files/?d=media%2Fcat.png' } },
      { id: 3, data: { image: `file://${image}`, text: 'caption' } },
    ];
    const file = writeFile(root, 'abs.json', JSON.stringify(tasks));
    const { items, errors } = await read('labelstudio', file, readerOptions(root));
    expect(errors).toEqual([]);
    expect(items.map((i) => [i.content.text, i.content.image?.width])).toEqual([
      ['', 64],
      ['', 64],
      ['caption', 64],
    ]);
  });

  it('refuses images outside the import folder (../, absolute, local-files, a symlink) and remote URLs, storing nothing', async () => {
    const { root } = await exportFolder();
    const outside = tempDir();
    const secret = await writeImage(outside, 'secret.png', 'png', 8, 8);
    fs.symlinkSync(secret, path.join(root, 'media/innocent.png'));
    fs.symlinkSync(outside, path.join(root, 'media/elsewhere'));
    const refs = [
      path.relative(path.join(root, 'export'), secret),
      secret,
      `/data/local-files/?d=${encodeURIComponent(path.relative(root, secret))}`,
      '../media/innocent.png',
      '../media/elsewhere/secret.png',
      'https://example.org/cat.png',
      '/data/upload/3/abc-cat.png',
      '../media/missing.png',
    ];
    const tasks = refs.map((image, i) => ({ id: i, data: { image } }));
    const file = writeFile(root, 'export/evil.json', JSON.stringify(tasks, null, 1));
    const options = readerOptions(root);
    const { items, errors } = await read('labelstudio', file, options);
    expect(items).toEqual([]);
    const realSecret = fs.realpathSync(secret);
    expect(errors).toEqual([
      { path: file, line: 2, reason: `image ${refs[0]} is outside the import folder ${root}; refused` },
      { path: file, line: 8, reason: `image ${refs[1]} is outside the import folder ${root}; refused` },
      { path: file, line: 14, reason: `image ${refs[2]} is outside the import folder ${root}; refused` },
      { path: file, line: 20, reason: `image ${refs[3]} is outside the import folder ${root} (through a symlink, to ${realSecret}); refused` },
      { path: file, line: 26, reason: `image ${refs[4]} is outside the import folder ${root} (through a symlink, to ${realSecret}); refused` },
      { path: file, line: 32, reason: 'image https://example.org/cat.png: remote images are not fetched; download them next to the export' },
      { path: file, line: 38, reason: expect.stringMatching(/^image \/data\/upload\/3\/abc-cat.png is a file uploaded into Label Studio; copy/) as string },
      { path: file, line: 44, reason: `image ../media/missing.png not found (looked for ${path.join(root, 'media/missing.png')})` },
    ]);
    expect(blobFiles(options.blobs)).toEqual([]);
  });

  it('reports results that fit no field and invalid values, and still imports the task', async () => {
    const root = tempDir();
    await writeTruncatedJpeg(root, 'bad.jpg');
    const tasks = [
      {
        id: 1,
        data: { text: 'hello' },
        annotations: [
          {
            completed_by: 1,
            result: [
              lsResult('nowhere', 'choices', { choices: ['x'] }),
              lsResult('sentiment', 'choices', { choices: ['angry'] }),
              lsResult('notes', 'labels', { start: 0, end: 1, labels: ['PER'] }),
              lsResult('poly', 'polygonlabels', { points: [] }),
              lsResult('animal', 'choices', { choices: ['cat', 'dog'] }),
              lsResult('boxes', 'rectanglelabels', { x: 1, y: 1, width: 5, height: 5, rotation: 30, rectanglelabels: ['cat'] }),
            ],
          },
        ],
      },
      { id: 2, data: { image: 'bad.jpg' } },
      { id: 3, text: 'JSON-MIN style' },
    ];
    const file = writeFile(root, 'tasks.json', JSON.stringify(tasks));
    const { items, errors } = await read('labelstudio', file, readerOptions(root));
    expect(items.map((i) => [i.content.text, i.annotations])).toEqual([['hello', []]]);
    expect(errors.map((e) => e.reason)).toEqual([
      "result 'nowhere' (choices): no field named 'nowhere' in the datanet's schema; skipped",
      'result \'notes\': a Label Studio labels result does not fit the free_text field \'notes\'; skipped',
      "result 'poly' (polygonlabels): no field named 'poly' in the datanet's schema; skipped",
      "result 'boxes': a box rotated by 30°; only upright boxes are supported; skipped",
      `label 'sentiment' (from the Label Studio annotation): must be one of: positive, negative, neutral (got "angry"); imported without this label`,
      "label 'animal' takes one choice, the annotation has 2 (cat, dog); imported without this label",
      expect.stringMatching(new RegExp(`^image bad.jpg: corrupt image: .*premature end`, 'i')) as string,
      'the task has no data object (export from Label Studio as JSON, not JSON-MIN or CSV)',
    ]);
    expect(errors.every((e) => e.path === file && e.line === 1)).toBe(true);
  });

  it('reports over-long, broken and invalid UTF-8 tasks by line, and files that are not an export', async () => {
    const root = tempDir();
    const good = JSON.stringify({ id: 1, data: { text: 'fine' } });
    const content = Buffer.concat([
      Buffer.from(`[\n${good},\n${JSON.stringify({ id: 2, data: { text: 'y'.repeat(5000) } })},\n{"id": 3, "data": {"text": oops}},\n{"id": 4, "data": {"text": "`),
      INVALID_UTF8_BYTES.subarray(0, 5),
      Buffer.from(`"}},\n${good.replace('fine', 'also fine')}\n]\n`),
    ]);
    const file = writeFile(root, 'mixed.json', content);
    const { items, errors } = await read('labelstudio', file, readerOptions(root, { maxLineBytes: 1024 }));
    expect(items.map((i) => [i.source.line, i.content.text])).toEqual([
      [2, 'fine'],
      [6, 'also fine'],
    ]);
    expect(errors).toEqual([
      { path: file, line: 3, reason: 'the task is 4.9 KB, over the 1.0 KB limit; skipped' },
      { path: file, line: 4, reason: expect.stringMatching(/^broken JSON in the task: /) as string },
      { path: file, line: 5, reason: expect.stringMatching(/^the task is not valid UTF-8/) as string },
    ]);

    const cases: [string, string, { line: number | null; reason: string }][] = [
      ['object.json', '{"id": 1}', { line: 1, reason: 'not a Label Studio JSON export: it should be an array of tasks, starting with [' }],
      ['cut.json', `[\n${good},\n{"id": 2, "da`, { line: 3, reason: 'the file ends before the task array is closed (a truncated export?)' }],
      ['after.json', '[]\n[]', { line: 2, reason: 'unexpected data after the end of the task array' }],
      ['none.json', ' [ ] ', { line: null, reason: 'the export has no tasks' }],
      ['empty.json', '', { line: 1, reason: 'empty file' }],
    ];
    for (const [name, text, expected] of cases) {
      const f = writeFile(root, name, text);
      const result = await read('labelstudio', f, readerOptions(root));
      expect(result.errors, name).toEqual([{ path: f, ...expected }]);
      expect(result.items.length, name).toBe(name === 'cut.json' ? 1 : 0);
    }
  });
});

describe('readerFor', () => {
  it('has a reader for every format, each turning a wrong file into an error event, never an exception', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'nonsense.bin', Buffer.from([0x00, 0xff, 0x10, 0x0a]));
    for (const format of IMPORT_FORMATS.filter((f): f is FileFormat => f !== 'auto')) {
      const { items, errors } = await read(format, file, readerOptions(dir));
      expect(items, format).toEqual([]);
      expect(errors.length, format).toBeGreaterThan(0);
      expect(errors.every((e) => e.path === file && e.reason.length > 5), format).toBe(true);
    }
  });

  it('stops on cancel instead of reporting it as a bad file', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'many.jsonl', jsonl(Array.from({ length: 50_000 }, (_, i) => ({ text: `line ${i}` }))));
    const controller = new AbortController();
    const reading = (async () => {
      let n = 0;
      for await (const e of readerFor('jsonl')(file, readerOptions(dir, { signal: controller.signal }))) {
        if (e.type === 'item' && ++n === 10) controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow(/abort/i);
  });
});
