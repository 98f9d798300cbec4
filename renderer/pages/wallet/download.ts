/**
 * Saves text as a file from the page. The CSP has no rule for downloads (only `img-src` names
 * blob:), and an <a download> to a blob: URL is a download, not a navigation or a fetch, so it
 * works in Chromium and Electron alike; the e2e test downloads through it under the real CSP.
 */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
