/** Messages worded for a person: the backend and the validators give phrases, the UI shows sentences. */

/** `text` as a sentence: trimmed, capitalised, ending in a full stop unless it already ends one (. ! ? …). */
export function asSentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * An invalid_input's message, beside the input it names, as a sentence. The router's messages
 * start with the input's name or dotted path ("out must be…", "ledger.rpcUrl must be…") and the
 * services' with a verb ("is not the password of this keystore"); both read "<label> must be…".
 * A message of its own ("/x/f/out.jsonl cannot be made: …") is kept, with a full stop.
 */
export function inputMessage(field: string, message: string, label: string): string {
  let text = message.startsWith(field) ? message.slice(field.length).trimStart() : message;
  if (/^(is|must|could|does|has)\b/.test(text)) text = `${label} ${text}`;
  return asSentence(text);
}
