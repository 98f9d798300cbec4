import { z } from 'zod';

/**
 * What a full path looks like on the machine the backend runs on (these schemas run there):
 * "C:\…", "C:/…" or a "\\server\…" share on Windows, "/…" elsewhere, where "C:\data" is a
 * file name in the working folder.
 */
// Through globalThis: shared/ is also compiled for the renderer, which has no Node types.
const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
const ABSOLUTE = platform === 'win32' ? /^([A-Za-z]:[\\/]|\\\\)/ : /^\//;

/**
 * A file or folder on the machine the backend runs on, as a full path. A relative one would be
 * taken from the backend's working folder, which nobody chose and no window shows (a model
 * "imported from relative/path" looked in the app's install folder). The CLI resolves the paths
 * its user types against the shell's folder before it calls.
 */
export const LocalPath = z
  .string()
  .min(1)
  .max(4096)
  .regex(ABSOLUTE, 'must be a full path (such as /home/me/data, or C:\\data on Windows); a relative path has no folder to start from here');
