// The backend's path errors, shown under a PathField, read as sentences naming the field by its label.
import { expect, it } from 'vitest';
import { pathErrorText } from '../../renderer/components/path-error-text';

it('names the field by its label, drops the input name, ends with a full stop', () => {
  const invalid = (field: string, message: string) => ({ code: 'invalid_input' as const, field, message });
  expect(pathErrorText(invalid('out', 'out must be a full path (such as /home/me/data, or C:\\data on Windows); a relative path has no folder to start from here'), 'File to write')).toBe(
    'The file to write must be a full path (such as /home/me/data, or C:\\data on Windows); a relative path has no folder to start from here.',
  );
  expect(pathErrorText(invalid('out', 'out /tmp/x/afile/sub/out.jsonl cannot be made: /tmp/x/afile is a file, not a folder'), 'File to write')).toBe(
    '/tmp/x/afile/sub/out.jsonl cannot be made: /tmp/x/afile is a file, not a folder.',
  );
  expect(pathErrorText(invalid('path', 'path must be a full path'), 'Folder to write')).toBe('The folder to write must be a full path.');
  expect(pathErrorText(invalid('path', '/x/a.gguf exists; export to a new file.'), 'File to write')).toBe('/x/a.gguf exists; export to a new file.');
  expect(pathErrorText(invalid('out', 'Cannot make the folder /proc/nope: the file system refuses new folders there (ENOENT).'), 'File to write')).toBe(
    'Cannot make the folder /proc/nope: the file system refuses new folders there (ENOENT).',
  );
  expect(pathErrorText({ code: 'conflict', message: 'as it was' }, 'File to write')).toBe('as it was');
});
