// The Train page's presets fitted to the chosen base model's context: the max length cut to it
// (again for another model), and a typed one past it named, not changed.
import { describe, expect, it } from 'vitest';
import { maxLenContextNote, presetContextNote, presetValues, PRESETS } from '../../renderer/pages/train/presets';

describe('presets for a model', () => {
  it("cut the max length to the model's context, and say so", () => {
    expect(presetValues('quick', 64).maxLen).toBe(64);
    expect(presetValues('standard', 64).maxLen).toBe(64);
    // Another model, another cut; a long enough context keeps the preset as it is.
    expect(presetValues('standard', 300).maxLen).toBe(300);
    expect(presetValues('quick', 2048)).toEqual(PRESETS.quick.values);
    // Only the max length depends on the context.
    expect({ ...presetValues('quick', 64), maxLen: 256 }).toEqual(PRESETS.quick.values);
    expect(presetContextNote('quick', 64, 'tiny-qwen')).toBe("Max length 64: the context of tiny-qwen, which is shorter than the Quick preset's 256 tokens.");
    expect(presetContextNote('quick', 2048, 'big')).toBeNull();
  });

  it('name a typed max length past the context without changing it', () => {
    expect(maxLenContextNote(300, 64, 'tiny-qwen')).toBe('This is more than the context of tiny-qwen (64 tokens): the run cuts examples to 64 tokens.');
    expect(maxLenContextNote(64, 64, 'tiny-qwen')).toBeNull();
    expect(maxLenContextNote(Number.NaN, 64, 'tiny-qwen')).toBeNull();
  });
});
