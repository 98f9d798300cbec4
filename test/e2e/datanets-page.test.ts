import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatanetSummary, ImportRecord } from '../../shared/api/schemas/datanets';
import { checkSmallWindow, openApp, type Scheme, shootChecked, startBrowserApp } from '../fixtures/app-page';
import { screenshotPath } from '../fixtures/browser';
import type { ServedApp } from '../fixtures/served-app';
import { tempDir } from '../fixtures/temp-dir';

let app: ServedApp;
let browser: Browser;
const problems: string[] = [];

const open = (scheme: Scheme = 'light') =>
  openApp(browser, app, { colorScheme: scheme, viewport: { width: 1280, height: 860 }, readyTestId: 'page-datanets', problems });

const datanetNamed = async (name: string) => (await app.call<DatanetSummary[]>('datanets.list')).find((d) => d.name === name);

/** Drops files on the drop zone the way a browser does, with a DataTransfer holding File objects. */
async function dropFiles(page: Page, files: { name: string; text: string }[]): Promise<void> {
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    for (const f of ${JSON.stringify(files)}) dt.items.add(new File([f.text], f.name, { type: 'application/octet-stream' }));
    return dt;
  })()`);
  await page.getByTestId('import-drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
}

/** Adds a field to the create dialog's schema builder: its kind, name and labels; returns its index. */
async function addField(dialog: Locator, kind: string, name: string, labels?: string): Promise<number> {
  await dialog.getByTestId('schema-add-field').click();
  const i = (await dialog.locator('[data-testid^="schema-field-name-"]').count()) - 1;
  await dialog.getByTestId(`schema-field-name-${i}`).fill(name);
  await dialog.getByTestId(`schema-field-kind-${i}`).selectOption(kind);
  if (labels !== undefined) await dialog.getByTestId(`schema-field-labels-${i}`).fill(labels);
  return i;
}

beforeAll(async () => {
  ({ app, browser } = await startBrowserApp());
});

afterAll(async () => {
  await browser.close();
  await app.close();
});

describe('the Datanets page', () => {
  it('says there are no datanets yet and offers to create one, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(scheme);
      await page.getByTestId('empty-create-datanet').waitFor();
      await shootChecked(page, `datanets-empty-${scheme}`);
      await page.getByTestId('empty-create-datanet').click();
      await page.getByTestId('create-datanet-dialog').getByTestId('create-datanet-name').waitFor();
      await context.close();
    }
  });

  it('creates a datanet with the schema builder: several kinds, reordered, a field error placed next to its field', async () => {
    const { context, page } = await open();
    await page.locator('h1').click();
    await page.keyboard.press('n');
    const dialog = page.getByTestId('create-datanet-dialog');
    await dialog.getByTestId('create-datanet-name').fill('Support tickets');
    await dialog.getByTestId('create-datanet-description').fill('Customer messages, labelled for triage.');
    await dialog.getByTestId('create-datanet-license').fill('CC-BY-SA-4.0');

    await dialog.getByTestId('schema-field-name-0').fill('sentiment');
    await dialog.getByTestId('schema-field-labels-0').fill('positive\nnegative\nneutral');
    const add = (kind: string, name: string, labels?: string) => addField(dialog, kind, name, labels);
    await add('multiple_choice', 'topics', 'billing\nbug\nfeature');
    const rating = await add('rating', 'urgency');
    await dialog.getByTestId(`schema-field-max-${rating}`).fill('4');
    await add('text_spans', 'entities', 'PERSON\nPRODUCT');
    await add('instruction_pair', 'reply');
    // Labels left empty: the message appears beside this field's labels.
    const boxes = await add('image_boxes', 'regions');
    // Moved up with the keyboard from its name field: Alt+↑.
    await dialog.getByTestId(`schema-field-name-${boxes}`).focus();
    await page.keyboard.press('Alt+ArrowUp');
    const moved = boxes - 1;
    await expect.poll(() => dialog.getByTestId(`schema-field-name-${moved}`).inputValue()).toBe('regions');
    await expect.poll(() => page.evaluate('document.activeElement?.value')).toBe('regions');
    await expect.poll(() => dialog.getByTestId('schema-preview').textContent()).toContain('urgency');

    await dialog.getByTestId('create-datanet-submit').click();
    await expect.poll(() => dialog.getByTestId(`schema-field-error-${moved}`).textContent()).toMatch(/at least one label/);
    expect(await dialog.getByTestId(`schema-field-labels-${moved}`).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByTestId(`schema-field-labels-${moved}`).fill('face\nlogo');
    await shootChecked(page, 'datanets-create-dialog-light');
    await checkSmallWindow(page, 'datanets-create-dialog');

    // Closing keeps the draft; it is still there when the dialog opens again.
    await page.keyboard.press('Escape');
    // Opened again from the empty list's button, which goes away once the datanet exists.
    await page.getByTestId('empty-create-datanet').click();
    expect(await dialog.getByTestId('create-datanet-name').inputValue()).toBe('Support tickets');

    await dialog.getByTestId('create-datanet-submit').click();
    // The new datanet's next step opens: its import.
    await page.getByTestId('import-dialog').getByTestId('import-drop-zone').waitFor();
    // It opens on its first control, not on its close button (where showModal puts focus).
    await expect
      .poll(() => page.evaluate(`(() => { const a = document.activeElement; return a?.closest('[data-testid="import-panel"]') ? a.tagName : a?.className; })()`))
      .toMatch(/^(BUTTON|INPUT|SELECT)$/);
    const created = await datanetNamed('Support tickets');
    expect(created?.license).toBe('CC-BY-SA-4.0');
    expect(created?.schema.fields.map((f) => `${f.name}:${f.kind}`)).toEqual([
      'sentiment:single_choice',
      'topics:multiple_choice',
      'urgency:rating',
      'entities:text_spans',
      'regions:image_boxes',
      'reply:instruction_pair',
    ]);
    expect(created?.schema.fields[2]).toMatchObject({ max: 4 });
    await page.keyboard.press('Escape');
    await page.getByTestId('datanet-row-Support tickets').waitFor();
    // The button that opened the first dialog is gone with the empty list: focus goes to the page's heading, not to nowhere.
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1');
    await context.close();
  });

  it('says a field\'s problems in sentences beside it, draws the rating preview only in range, and brings the first problem into view', async () => {
    const { context, page } = await open();
    await page.getByTestId('create-datanet').click();
    const dialog = page.getByTestId('create-datanet-dialog');
    // Every problem of the form at once, the name's and the license's with the fields', in one press.
    await dialog.getByTestId('create-datanet-name').fill(' ');
    await dialog.getByTestId('create-datanet-license').fill('not a license!!');
    await dialog.getByTestId('create-datanet-submit').click();
    await expect.poll(() => dialog.getByTestId('create-datanet-name-error').textContent()).toBe('The name must not be empty.');
    expect(await dialog.getByTestId('create-datanet-license-error').textContent()).toBe('The license must be an SPDX license id, e.g. CC-BY-4.0 or MIT.');
    expect(await dialog.locator('[data-testid^="schema-field-error-"]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe('create-datanet-name');
    expect(await datanetNamed('not a license!!')).toBeUndefined();
    // Put right, the license's error goes as it is typed, not at the next press.
    await dialog.getByTestId('create-datanet-license').fill('CC-BY-4.0');
    await expect.poll(() => dialog.getByTestId('create-datanet-license-error').count()).toBe(0);
    await dialog.getByTestId('create-datanet-name').fill('Problems in words');
    await expect.poll(() => dialog.getByTestId('create-datanet-name-error').count()).toBe(0);
    // The labels box's placeholder is an example, not something that reads as filled in.
    const labels0 = dialog.getByTestId('schema-field-labels-0');
    expect(await labels0.inputValue()).toBe('');
    expect(await labels0.getAttribute('placeholder')).toMatch(/^e\.g\. /);
    await dialog.getByTestId('schema-field-name-0').fill('sentiment');
    const add = (kind: string, name: string, labels?: string) => addField(dialog, kind, name, labels);
    const score = await add('rating', 'score');
    await dialog.getByTestId(`schema-field-max-${score}`).fill('50');
    await add('single_choice', 'topic', 'billing\nbug');
    await add('free_text', 'topic');
    // The preview draws no more than the 10 a rating can have.
    const steps = dialog.getByTestId('schema-preview').locator('[data-testid^="rating-score-"]');
    await expect.poll(() => steps.count()).toBe(10);
    // Out of range is said as it is typed, not only on submit.
    await expect.poll(() => dialog.getByTestId(`schema-field-error-${score}`).textContent()).toBe('Highest rating must be a whole number from 2 to 10.');

    await dialog.getByTestId('create-datanet-submit').click();
    const error = (i: number) => dialog.getByTestId(`schema-field-error-${i}`);
    await expect.poll(() => error(0).textContent()).toBe('Add at least one label.');
    expect(await error(score).textContent()).toBe('Highest rating must be a whole number from 2 to 10.');
    const twice = 'Two fields are named “topic”; each field needs its own name.';
    expect(await error(2).textContent()).toBe(twice);
    expect(await error(3).textContent()).toBe(twice);
    // Each message is marked on the input it is about, and the first one has the focus.
    expect(await labels0.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByTestId('schema-field-name-0').getAttribute('aria-invalid')).toBeNull();
    expect(await dialog.getByTestId(`schema-field-max-${score}`).getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByTestId('schema-field-name-3').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe('schema-field-labels-0');
    expect(await dialog.textContent()).not.toMatch(/schema\.fields|expected number/);
    await shootChecked(page, 'datanets-create-field-errors-light');

    // Fixed in place, each message goes as its field is put right.
    await labels0.fill('positive\nnegative');
    await expect.poll(() => error(0).count()).toBe(0);
    await dialog.getByTestId(`schema-field-max-${score}`).fill('');
    await expect.poll(() => error(score).textContent()).toBe('Highest rating must be a whole number from 2 to 10.');
    expect(await steps.count()).toBe(0);
    await dialog.getByTestId(`schema-field-max-${score}`).fill('7');
    await expect.poll(() => steps.count()).toBe(7);
    await dialog.getByTestId('schema-field-name-3').fill('notes');
    await expect.poll(() => dialog.locator('[data-testid^="schema-field-error-"]').count()).toBe(0);

    // A problem far down the list, out of view when Create is pressed, is scrolled to and focused.
    let last = 0;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) last = await add('free_text', `note_${name}`);
    await dialog.getByTestId(`schema-field-name-${last}`).fill('has space');
    // Whether the element's middle is what the window shows there (not scrolled away, not covered).
    const inView = (testId: string) =>
      page.evaluate<boolean>(`(() => {
        const el = document.querySelector('[data-testid="create-datanet-dialog"] [data-testid="${testId}"]');
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && (hit === el || el.contains(hit));
      })()`);
    await dialog.getByTestId('create-datanet-name').focus();
    await page.evaluate(`document.querySelector('[data-testid="create-datanet-name"]').scrollIntoView({ block: 'center' })`);
    expect(await inView(`schema-field-name-${last}`)).toBe(false);
    await dialog.getByTestId('create-datanet-submit').click();
    await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe(`schema-field-name-${last}`);
    await expect.poll(() => inView(`schema-field-name-${last}`)).toBe(true);
    expect(await error(last).textContent()).toBe('“has space” can’t be a field name: start with a letter or _, then use only letters, digits, _ and -.');
    expect(await inView(`schema-field-error-${last}`)).toBe(true);
    await shootChecked(page, 'datanets-create-field-error-scrolled-light');

    await dialog.getByTestId(`schema-field-name-${last}`).fill('has_space');
    await dialog.getByTestId('create-datanet-submit').click();
    await page.getByTestId('import-dialog').getByTestId('import-drop-zone').waitFor();
    const created = await datanetNamed('Problems in words');
    expect(created?.schema.fields[1]).toEqual({ kind: 'rating', name: 'score', max: 7 });
    await page.keyboard.press('Escape');
    await context.close();
  });

  it('creates a datanet from a pasted Label Studio config, after showing why a bad one was refused', async () => {
    const { context, page } = await open();
    await page.getByTestId('create-datanet').click();
    const dialog = page.getByTestId('create-datanet-dialog');
    await dialog.getByTestId('create-datanet-name').fill('Reviews (Label Studio)');
    await dialog.getByTestId('schema-tab-labelstudio').click();
    await dialog.getByTestId('ls-config').fill('<View><Choices name="sentiment" toName="text"><Choice value="pos"/></View>');
    await dialog.getByTestId('create-datanet-submit').click();
    await expect.poll(() => dialog.getByTestId('ls-config-error').textContent()).toMatch(/labelStudioConfig .*XML/i);
    await shootChecked(page, 'datanets-create-labelstudio-error-light');
    await dialog
      .getByTestId('ls-config')
      .fill(
        '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices><Rating name="stars" toName="text" maxRating="5"/></View>',
      );
    await dialog.getByTestId('create-datanet-submit').click();
    await page.getByTestId('import-dialog').waitFor();
    const created = await datanetNamed('Reviews (Label Studio)');
    expect(created?.schema.fields).toEqual([
      { kind: 'single_choice', name: 'sentiment', labels: ['pos', 'neg'] },
      { kind: 'rating', name: 'stars', max: 5 },
    ]);
    await context.close();
  });

  it('imports dropped files through an upload: progress, the item count, and the bad line by path and line', async () => {
    const { context, page } = await open();
    await page.getByTestId('datanet-row-Support tickets').getByTestId('datanet-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dropFiles(page, [
      { name: 'tickets.jsonl', text: '{"text":"The invoice is wrong","sentiment":"negative"}\n{"text":"Love the new search"}\n' },
      { name: 'broken.jsonl', text: '{"text":"Export is slow"}\n{"text": oops\n{"text":"Where is my order?"}\n' },
      { name: 'note.txt', text: 'A plain text ticket about passwords.' },
      { name: '.DS_Store', text: 'junk' },
    ]);
    await expect.poll(() => dialog.getByTestId('import-selection').textContent()).toMatch(/3 files.*1 hidden/);
    await dialog.getByTestId('import-start').click();
    const outcome = dialog.getByTestId('import-outcome');
    await expect.poll(() => outcome.getAttribute('data-state'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => outcome.textContent()).toMatch(/finished with 1 problem \(listed below\): 5 items added/);
    // Something was left out: the warning tone, not the all-clear green.
    expect(await outcome.locator('.import-outcome-with-problems').count()).toBe(1);
    const error = dialog.getByTestId('import-error');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.getByTestId('import-error-path').textContent()).toBe('broken.jsonl');
    expect(await error.getByTestId('import-error-line').textContent()).toBe('2');
    await shootChecked(page, 'datanets-import-errors-light');
    // The upload folder goes once its import is done.
    await expect.poll(() => fs.readdirSync(path.join(app.dataDir, 'uploads')).length).toBe(0);

    await page.keyboard.press('Escape');
    const row = page.getByTestId('datanet-row-Support tickets');
    await expect.poll(() => row.getByTestId('datanet-items').textContent()).toBe('5');
    const labeled = (await datanetNamed('Support tickets'))?.labeledCount;
    expect(labeled).toBe(1);
    await context.close();
  });

  it('imports a folder picked in the browser, keeping its layout', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'batch', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'batch', 'a.txt'), 'First ticket from a folder.');
    fs.writeFileSync(path.join(dir, 'batch', 'nested', 'b.jsonl'), '{"text":"Second, nested"}\n{"nope"\n');
    const { context, page } = await open();
    await page.getByTestId('datanet-row-Reviews (Label Studio)').getByTestId('datanet-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-folder-input').setInputFiles(path.join(dir, 'batch'));
    await expect.poll(() => dialog.getByTestId('import-selection').textContent()).toContain('batch/nested/b.jsonl');
    await dialog.getByTestId('import-start').click();
    await expect.poll(() => dialog.getByTestId('import-outcome').getAttribute('data-state'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => dialog.getByTestId('import-error-path').textContent()).toBe('batch/nested/b.jsonl');
    expect(await dialog.getByTestId('import-error-line').textContent()).toBe('2');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('datanet-row-Reviews (Label Studio)').getByTestId('datanet-items').textContent()).toBe('2');
    await context.close();
  });

  it('cancels a large import while it runs, then resumes it to the end without duplicates', async () => {
    // The first import job is held at its start until it is cancelled, so Cancel lands while it
    // runs on any machine, however fast the import or slow the browser.
    const jobs = app.backend.jobs;
    const start = jobs.start.bind(jobs);
    jobs.start = (spec, body) => {
      if (spec.kind !== 'datanet.import') return start(spec, body);
      jobs.start = start;
      return start(spec, async (control) => {
        await new Promise((resolve) => control.signal.addEventListener('abort', resolve, { once: true }));
        return body(control);
      });
    };
    const { context, page } = await open();
    await page.getByTestId('create-datanet').click();
    const create = page.getByTestId('create-datanet-dialog');
    await create.getByTestId('create-datanet-name').fill('Big corpus');
    await create.getByTestId('schema-tab-builder').click();
    await create.getByTestId('schema-field-labels-0').fill('keep\ndrop');
    await create.getByTestId('create-datanet-submit').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-drop-zone').waitFor();
    const transfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      for (let f = 0; f < 40; f++) {
        const lines = [];
        for (let i = 0; i < 2500; i++) lines.push(JSON.stringify({ text: 'file ' + f + ' line ' + i + ': some words to make it realistic' }));
        dt.items.add(new File([lines.join('\\n') + '\\n'], 'part-' + String(f).padStart(2, '0') + '.jsonl'));
      }
      return dt;
    })()`);
    await dialog.getByTestId('import-drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => dialog.getByTestId('import-selection').textContent()).toMatch(/40 files/);
    await dialog.getByTestId('import-start').click();
    const progress = dialog.getByTestId('import-progress');
    await expect.poll(() => progress.textContent(), { timeout: 60_000 }).toMatch(/Step 2 of 2: importing.*0 items/);
    await shootChecked(page, 'datanets-import-progress-light');
    await dialog.getByTestId('import-cancel').click();
    const outcome = dialog.getByTestId('import-outcome');
    await expect.poll(() => outcome.getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    await shootChecked(page, 'datanets-import-cancelled-light');
    const d = await datanetNamed('Big corpus');
    const [record] = await app.call<ImportRecord[]>('imports.list', { datanet: d!.id });
    expect(record?.state).toBe('cancelled');
    // The upload is kept while the import can be resumed.
    expect(fs.existsSync(record!.paths[0]!)).toBe(true);

    await dialog.getByTestId('import-outcome-resume').click();
    const facts = dialog.getByTestId('import-progress-facts');
    // Items, items/s, files and time left, as the job reports them (unless it is already over).
    await expect
      .poll(async () => /[1-9][\d,]* items · [\d,]+ items\/s · \d+ of 40 files/.test((await facts.textContent().catch(() => '')) ?? '') || (await outcome.count()) > 0, {
        timeout: 60_000,
      })
      .toBe(true);
    await page.screenshot({ path: screenshotPath('datanets-import-resuming-light') });
    await expect.poll(() => outcome.getAttribute('data-state'), { timeout: 150_000 }).toBe('succeeded');
    expect((await datanetNamed('Big corpus'))?.itemCount).toBe(100_000);
    await expect.poll(() => fs.existsSync(record!.paths[0]!)).toBe(false);
    await context.close();
  }, 300_000);

  it('lists datanets with counts, labeled share, version and license; Enter on a row opens it, light and dark', async () => {
    const d = await datanetNamed('Support tickets');
    await app.call('versions.create', { datanet: d!.id, note: 'first' });
    await expect.poll(async () => (await datanetNamed('Support tickets'))?.lastVersion?.number).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await open(scheme);
      const row = page.getByTestId('datanet-row-Support tickets');
      await expect.poll(() => row.getByTestId('datanet-version').textContent()).toMatch(/^v1 · /);
      expect(await row.textContent()).toContain('CC-BY-SA-4.0');
      expect(await row.getByRole('img').getAttribute('aria-label')).toBe('20% labeled (1 of 5)');
      await shootChecked(page, `datanets-list-${scheme}`);
      if (scheme === 'dark') {
        await page.keyboard.press('n');
        await page.getByTestId('create-datanet-dialog').getByTestId('schema-builder').waitFor();
        await shootChecked(page, 'datanets-create-dialog-dark');
        await page.keyboard.press('Escape');
        await row.getByTestId('datanet-import').click();
        await page.getByTestId('import-dialog').getByTestId('import-drop-zone').waitFor();
        await page.getByTestId('import-dialog').getByRole('button', { name: /problems?/ }).first().click();
        await page.getByTestId('import-dialog').getByTestId('import-error').first().waitFor();
        await shootChecked(page, 'datanets-import-errors-dark');
        await page.keyboard.press('Escape');
      }
      // ↓ from the first row's link moves to the second; Enter opens that one.
      const rows = page.locator('[data-testid^="datanet-row-"]');
      const second = await rows.nth(1).getAttribute('data-id');
      await rows.first().getByTestId('datanet-link').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.url()).toContain(`#/datanets/${second}`);
      await context.close();
    }
  });

  it('ran without console errors', () => {
    expect(problems).toEqual([]);
  });
});
