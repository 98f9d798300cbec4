import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LabelSchema, type LabelField } from './schema';

/**
 * Label Studio labeling configs (XML) ⇄ our label schemas.
 *
 * Read: each supported control becomes one field, in document order, named by its `name`:
 *   <Choices choice="single|single-radio|multiple"> with <Choice value=…> → single_choice or
 *     multiple_choice; a single choice whose toName is an <Image> → image_class
 *   <Labels> with <Label value=…> → text_spans
 *   <TextArea> → free_text
 *   <RectangleLabels> with <Label value=…> → image_boxes
 *   <Rating maxRating=…> → rating (maxRating defaults to 5, as in Label Studio)
 * A Choice or Label with an `alias` uses it, since Label Studio stores the alias in results. Other
 * tags (View, Text, Image, Header, Style, …) are ignored. Errors are thrown as `Error`s whose
 * message reads on its own after the word "config" or the input's name ("… is not valid XML …").
 *
 * Write: the reverse, with a <Text name="text" value="$text"/> and/or <Image name="image"
 * value="$image"/> object for the controls to point at. An instruction_pair field has no Label
 * Studio control: it is written as a comment, and is not read back.
 */

type XmlNode = { tag: string; attrs: Record<string, string>; children: XmlNode[] };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** fast-xml-parser's ordered output (`[{Tag: [...children], ':@': {attrs}}, ...]`) as plain nodes. */
function toNodes(raw: unknown): XmlNode[] {
  if (!Array.isArray(raw)) return [];
  const nodes: XmlNode[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    const tag = Object.keys(entry).find((k) => k !== ':@' && k !== '#text');
    if (tag === undefined) continue;
    const attrs = (entry[':@'] ?? {}) as Record<string, string>;
    nodes.push({ tag, attrs, children: toNodes(entry[tag]) });
  }
  return nodes;
}

function* descendants(nodes: XmlNode[]): Generator<XmlNode> {
  for (const node of nodes) {
    yield node;
    yield* descendants(node.children);
  }
}

/** An attribute by name, ignoring case (Label Studio is lenient: toName, toname). */
function attr(node: XmlNode, name: string): string | undefined {
  const key = Object.keys(node.attrs).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : String(node.attrs[key]);
}

const is = (node: XmlNode, tag: string): boolean => node.tag.toLowerCase() === tag.toLowerCase();

function labelsOf(control: XmlNode, childTag: string): string[] {
  return [...descendants(control.children)].filter((n) => is(n, childTag)).map((n) => attr(n, 'alias') ?? attr(n, 'value') ?? '');
}

const SUPPORTED = 'Choices, Labels, TextArea, RectangleLabels, Rating';

/** The field a control declares, or null for a tag that is not a supported control. */
function fieldOf(node: XmlNode, imageNames: ReadonlySet<string>): LabelField | null {
  const controlTags = ['choices', 'labels', 'textarea', 'rectanglelabels', 'rating'];
  if (!controlTags.includes(node.tag.toLowerCase())) return null;
  const name = attr(node, 'name');
  if (name === undefined || name === '') throw new Error(`has a <${node.tag}> without a name`);
  if (is(node, 'choices')) {
    const mode = (attr(node, 'choice') ?? 'single').toLowerCase();
    if (!['single', 'single-radio', 'multiple'].includes(mode)) throw new Error(`has <Choices name="${name}"> with choice="${mode}"; expected single, single-radio or multiple`);
    const labels = labelsOf(node, 'choice');
    if (mode === 'multiple') return { kind: 'multiple_choice', name, labels };
    return { kind: imageNames.has(attr(node, 'toName') ?? '') ? 'image_class' : 'single_choice', name, labels };
  }
  if (is(node, 'labels')) return { kind: 'text_spans', name, labels: labelsOf(node, 'label') };
  if (is(node, 'rectanglelabels')) return { kind: 'image_boxes', name, labels: labelsOf(node, 'label') };
  if (is(node, 'textarea')) return { kind: 'free_text', name };
  const max = attr(node, 'maxRating');
  const n = max === undefined ? 5 : Number(max);
  if (!Number.isInteger(n)) throw new Error(`has <Rating name="${name}"> with maxRating="${max}", not a whole number`);
  return { kind: 'rating', name, max: n };
}

export function labelStudioConfigToSchema(xml: string): LabelSchema {
  if (xml.trim() === '') throw new Error('is empty');
  // A DOCTYPE could declare entities (billion laughs); a labeling config never needs one.
  if (/<!DOCTYPE/i.test(xml)) throw new Error('has a <!DOCTYPE>, which a Label Studio config never needs; remove it');
  // XMLValidator is marked deprecated in favour of the separate fast-xml-validator package, which is
  // not installed; 5.x still ships and maintains it, and the parser alone accepts broken XML.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`is not valid XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const nodes = [...descendants(toNodes(parser.parse(xml)))];
  const imageNames = new Set(nodes.filter((n) => is(n, 'image')).map((n) => attr(n, 'name') ?? ''));
  const fields = nodes.map((n) => fieldOf(n, imageNames)).filter((f): f is LabelField => f !== null);
  if (fields.length === 0) throw new Error(`has no control this app supports (${SUPPORTED})`);
  const parsed = LabelSchema.safeParse({ fields });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const index = issue.path[1];
  const field = typeof index === 'number' ? fields[index] : undefined;
  const where = field ? `the ${field.kind} control "${field.name}"${issue.path.length > 2 ? ` (${issue.path.slice(2).join('.')})` : ''}` : 'the controls';
  throw new Error(`cannot be used: ${where}: ${issue.message}`);
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An object name no field uses: Label Studio needs every tag's name to be unique. */
function objectName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

export function schemaToLabelStudioConfig(schema: LabelSchema): string {
  const isImage = (f: LabelField): boolean => f.kind === 'image_class' || f.kind === 'image_boxes';
  const hasImage = schema.fields.some(isImage);
  // A single choice on an image would read back as an image class, so it always gets a Text to point at.
  const hasText = !hasImage || schema.fields.some((f) => f.kind === 'text_spans' || f.kind === 'single_choice');
  const taken = new Set(schema.fields.map((f) => f.name));
  const image = objectName('image', taken);
  const text = objectName('text', taken);
  const general = hasText ? text : image; // what choices, text areas and ratings point at
  const out = ['<View>'];
  if (hasImage) out.push(`  <Image name="${image}" value="$image"/>`);
  if (hasText) out.push(`  <Text name="${text}" value="$text"/>`);
  const control = (tag: string, name: string, toName: string, extra: string, children: string[] | null, childTag = 'Label'): void => {
    const open = `  <${tag} name="${escapeAttr(name)}" toName="${toName}"${extra}`;
    if (children === null) {
      out.push(`${open}/>`);
      return;
    }
    out.push(`${open}>`, ...children.map((c) => `    <${childTag} value="${escapeAttr(c)}"/>`), `  </${tag}>`);
  };
  for (const f of schema.fields) {
    switch (f.kind) {
      case 'single_choice':
        control('Choices', f.name, text, ' choice="single"', f.labels, 'Choice');
        break;
      case 'multiple_choice':
        control('Choices', f.name, general, ' choice="multiple"', f.labels, 'Choice');
        break;
      case 'image_class':
        control('Choices', f.name, image, ' choice="single"', f.labels, 'Choice');
        break;
      case 'text_spans':
        control('Labels', f.name, text, '', f.labels);
        break;
      case 'image_boxes':
        control('RectangleLabels', f.name, image, '', f.labels);
        break;
      case 'free_text':
        control('TextArea', f.name, general, '', null);
        break;
      case 'rating':
        control('Rating', f.name, general, ` maxRating="${f.max}"`, null);
        break;
      case 'instruction_pair':
        // "--" may not appear inside an XML comment; a field name may contain it.
        out.push(`  <!-- instruction_pair field ${f.name.replace(/-/g, '_')}: no Label Studio control holds a system/prompt/response triple -->`);
        break;
    }
  }
  out.push('</View>');
  return `${out.join('\n')}\n`;
}
