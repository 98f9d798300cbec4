import { describe, expect, it } from 'vitest';
import { checkFields, newDraftField, placeError, previewSchema, type DraftField } from '../../renderer/pages/datanets/schema-draft';

const field = (patch: Partial<DraftField>): DraftField => ({ ...newDraftField([]), ...patch });

describe('the schema builder says what is wrong in sentences', () => {
  const fields = [
    field({ name: 'sentiment', kind: 'single_choice', labelsText: '' }),
    field({ name: 'score', kind: 'rating', max: 50 }),
    field({ name: 'topic', kind: 'single_choice', labelsText: 'a\nb\na' }),
    field({ name: 'topic', kind: 'free_text' }),
    field({ name: 'has space', kind: 'free_text' }),
  ];

  it('places the backend\'s zod errors on the field they name, reworded', () => {
    expect(placeError('schema.fields.1.max', 'schema.fields.1.max Too big: expected number to be <=10', fields)).toEqual({
      place: 'fields',
      problems: new Map([[1, { input: 'max', message: 'Highest rating must be a whole number from 2 to 10.' }]]),
    });
    expect(placeError('schema.fields.0.labels', 'schema.fields.0.labels needs at least one label', fields)).toEqual({
      place: 'fields',
      problems: new Map([[0, { input: 'labels', message: 'Add at least one label.' }]]),
    });
    const twice = { input: 'name', message: 'Two fields are named “topic”; each field needs its own name.' };
    expect(placeError('schema.fields', 'schema.fields field names must be unique', fields)).toEqual({
      place: 'fields',
      problems: new Map([
        [2, twice],
        [3, twice],
      ]),
    });
    expect(placeError('schema.fields.4.name', 'schema.fields.4.name must start with a letter or _ …', fields)).toMatchObject({
      problems: new Map([[4, { input: 'name', message: '“has space” can’t be a field name: start with a letter or _, then use only letters, digits, _ and -.' }]]),
    });
    // Nothing it knows better: zod's words without the path, as a sentence.
    expect(placeError('schema.fields.2.kind', 'schema.fields.2.kind invalid option', fields)).toMatchObject({
      problems: new Map([[2, { input: 'name', message: 'Invalid option.' }]]),
    });
    expect(placeError('name', 'name must not be empty', fields)).toEqual({ place: 'form', input: 'name', message: 'The name must not be empty.' });
    expect(placeError('license', 'license must be an SPDX license id, e.g. CC-BY-4.0 or MIT', fields)).toEqual({
      place: 'form',
      input: 'license',
      message: 'The license must be an SPDX license id, e.g. CC-BY-4.0 or MIT.',
    });
    expect(placeError('schema.fields', 'schema.fields needs at least one field', [])).toEqual({ place: 'form', input: 'schema', message: 'Add at least one field.' });
  });

  it('checks every field before sending, each problem on the input it is about', () => {
    const { fields: problems, schema } = checkFields(fields);
    expect(schema).toBeUndefined();
    expect([...problems.keys()]).toEqual([0, 1, 2, 4, 3]);
    expect(problems.get(0)).toEqual([{ input: 'labels', message: 'Add at least one label.' }]);
    expect(problems.get(1)).toEqual([{ input: 'max', message: 'Highest rating must be a whole number from 2 to 10.' }]);
    // Name before labels, the order the inputs are shown in.
    expect(problems.get(2)).toEqual([
      { input: 'name', message: 'Two fields are named “topic”; each field needs its own name.' },
      { input: 'labels', message: '“a” is listed more than once; each label must be different.' },
    ]);
    expect(checkFields([field({ kind: 'rating', max: null })]).fields.get(0)?.[0]?.message).toBe('Highest rating must be a whole number from 2 to 10.');
    expect(checkFields([field({ kind: 'rating', max: 2.5 })]).fields.size).toBe(1);
    expect(checkFields([field({ name: '', kind: 'free_text' })]).fields.get(0)).toEqual([{ input: 'name', message: 'Give this field a name.' }]);
    expect(checkFields([field({ kind: 'single_choice', labelsText: 'x'.repeat(101) })]).fields.get(0)?.[0]?.message).toMatch(/^The label “x+…” is too long: a label has at most 100 characters\.$/);
    expect(checkFields([]).schema).toBe('Add at least one field.');
    expect(checkFields([field({ name: 'ok', kind: 'rating', max: 10 })]).fields.size).toBe(0);
  });

  it('previews a rating only within 2–10, and each name and label once', () => {
    const preview = (f: DraftField[]) => previewSchema(f).fields;
    expect(preview([field({ name: 'r', kind: 'rating', max: 50 })])).toEqual([{ kind: 'rating', name: 'r', max: 10 }]);
    expect(preview([field({ name: 'r', kind: 'rating', max: 0 })])).toEqual([{ kind: 'rating', name: 'r', max: 2 }]);
    expect(preview([field({ name: 'r', kind: 'rating', max: null })])).toEqual([]);
    expect(preview([field({ name: 't', labelsText: 'a\na' }), field({ name: 't', kind: 'free_text' })])).toEqual([{ kind: 'single_choice', name: 't', labels: ['a'] }]);
  });
});
