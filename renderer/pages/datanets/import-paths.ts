/**
 * A problem's path as the user knows it: relative to the file or folder they imported (for an
 * upload, the folder the browser's files were copied into), with the full path kept for a tooltip.
 */
export function shownPath(problemPath: string, importPaths: readonly string[]): string {
  for (const root of importPaths) {
    if (problemPath === root) return root.split(/[\\/]/).pop() ?? root;
    for (const sep of ['/', '\\']) {
      if (problemPath.startsWith(root.endsWith(sep) ? root : root + sep)) return problemPath.slice(root.length).replace(/^[\\/]+/, '');
    }
  }
  return problemPath;
}
