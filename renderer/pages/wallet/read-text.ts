/**
 * Reads a picked file as text, here in the page: the backend gets the text, never a path on this
 * computer. A failure is one sentence naming the file.
 */
export function readText(file: File, onText: (text: string) => void, onProblem: (problem: string) => void): void {
  const reader = new FileReader();
  reader.onload = () => onText(typeof reader.result === 'string' ? reader.result : '');
  reader.onerror = () => onProblem(`Could not read ${file.name}: ${reader.error?.message ?? 'unknown error'}`);
  reader.readAsText(file);
}
