/**
 * The texts a record becomes before it is tokenized: the prompt a model is given, the response it
 * should learn to write, and the prompt's head (what comes before the prompt's own text, which
 * truncation keeps). Inference builds its prompts with the same functions, so a trained adapter
 * sees at run time exactly the prompt it was trained on.
 */
import type { ChatMessage, Tokenizer } from '../tokenize/tokenizer';

/**
 * The plain instruction format, for tokenizers without a chat template (base models). Alpaca's
 * layout without its preamble:
 *
 *     <system>\n\n              only when the record has a non-empty system
 *     ### Instruction:\n<prompt>\n\n### Response:\n
 *
 * followed by the response and the tokenizer's EOS.
 */
export const PLAIN_FORMAT = { instruction: '### Instruction:\n', response: '\n\n### Response:\n' } as const;

/**
 * The prompt a classification record is asked as; the answer is the label itself. The text comes
 * first and the question last, so truncating a long prompt from the left cuts the start of the
 * text, never the question or the choices:
 *
 *     <text>\n\nClassify the text above as one of: <label 1>, <label 2>, ….
 */
export function classificationPrompt(text: string, labels: readonly string[]): string {
  return `${text}\n\nClassify the text above as one of: ${labels.join(', ')}.`;
}

export interface InstructionTexts {
  /** 'chat': rendered by the tokenizer's chat template; 'plain': PLAIN_FORMAT. */
  format: 'chat' | 'plain';
  /** Everything the model is given, ending where its answer starts. */
  prompt: string;
  /** The start of `prompt` before the record's prompt text (template header, system turn). */
  head: string;
  /**
   * What the model should write. 'chat': the template's rendering of the assistant turn after the
   * prompt, its end-of-turn marker included; 'plain': the response alone (the EOS is an id, added
   * when tokenizing).
   */
  response: string;
}

// Stands for the prompt when rendering the head: plain letters, so no template escapes or trims it.
const SENTINEL = 'ZqxPromptGoesHereXqz';

function messages(system: string | undefined, prompt: string): ChatMessage[] {
  return system ? [{ role: 'system', content: system }, { role: 'user', content: prompt }] : [{ role: 'user', content: prompt }];
}

/**
 * The prompt, head and response texts of an instruction. With the chat template, the response is
 * the rendered conversation minus the rendered prompt (with the generation prompt), which must be
 * its prefix: a template that renders earlier turns differently once a reply follows cannot mask
 * the prompt by position, and is refused.
 */
export function instructionTexts(
  tokenizer: Tokenizer,
  record: { id: string; system?: string | undefined; prompt: string; response: string },
  useChatTemplate: boolean,
): InstructionTexts {
  const system = record.system && record.system.length > 0 ? record.system : undefined;
  if (useChatTemplate && tokenizer.hasChatTemplate) {
    const prompt = tokenizer.applyChatTemplate(messages(system, record.prompt), { addGenerationPrompt: true });
    const full = tokenizer.applyChatTemplate([...messages(system, record.prompt), { role: 'assistant', content: record.response }]);
    if (!full.startsWith(prompt)) {
      throw new Error(
        `training record ${JSON.stringify(record.id)}: the chat template of ${tokenizer.dir} does not render the prompt (with the generation prompt) ` +
          'as the start of the whole conversation, so the prompt cannot be masked; train with chatTemplate: false to use the plain format',
      );
    }
    const withSentinel = tokenizer.applyChatTemplate(messages(system, SENTINEL), { addGenerationPrompt: true });
    const at = withSentinel.indexOf(SENTINEL);
    return { format: 'chat', prompt, head: at >= 0 ? withSentinel.slice(0, at) : '', response: full.slice(prompt.length) };
  }
  const head = `${system ? `${system}\n\n` : ''}${PLAIN_FORMAT.instruction}`;
  return { format: 'plain', prompt: `${head}${record.prompt}${PLAIN_FORMAT.response}`, head, response: record.response };
}
