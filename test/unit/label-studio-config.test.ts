import { describe, expect, it } from 'vitest';
import { labelStudioConfigToSchema, schemaToLabelStudioConfig } from '../../shared/datanets/label-studio-config';
import type { LabelSchema } from '../../shared/datanets/schema';

describe('labelStudioConfigToSchema', () => {
  it('turns each supported control into a field, in document order', () => {
    const xml = `<?xml version="1.0"?>
      <View>
        <Header value="Read &amp; label"/>
        <Image name="photo" value="$image"/>
        <Text name="text" value="$text"/>
        <View style="display: flex">
          <Choices name="sentiment" toName="text" choice="single-radio" showInline="true">
            <Choice value="positive"/><Choice value="negative" alias="neg"/>
          </Choices>
        </View>
        <Choices name="topics" toName="text" choice="multiple"><Choice value="a &amp; b"/><View><Choice value="c"/></View></Choices>
        <Choices name="animal" toName="photo"><Choice value="cat"/><Choice value="dog"/></Choices>
        <Labels name="ner" toName="text"><Label value="PER" background="red"/><Label value="ORG"/></Labels>
        <TextArea name="notes" toName="text" rows="3"/>
        <RectangleLabels name="boxes" toName="photo"><Label value="cat"/></RectangleLabels>
        <Rating name="stars" toName="text"/>
        <Rating name="score" toName="text" maxRating="10"/>
        <PolygonLabels name="poly" toName="photo"><Label value="x"/></PolygonLabels>
        <Relations><Relation value="knows"/></Relations>
      </View>`;
    expect(labelStudioConfigToSchema(xml)).toEqual({
      fields: [
        { kind: 'single_choice', name: 'sentiment', labels: ['positive', 'neg'] },
        { kind: 'multiple_choice', name: 'topics', labels: ['a & b', 'c'] },
        { kind: 'image_class', name: 'animal', labels: ['cat', 'dog'] },
        { kind: 'text_spans', name: 'ner', labels: ['PER', 'ORG'] },
        { kind: 'free_text', name: 'notes' },
        { kind: 'image_boxes', name: 'boxes', labels: ['cat'] },
        { kind: 'rating', name: 'stars', max: 5 },
        { kind: 'rating', name: 'score', max: 10 },
      ],
    });
  });

  it('says what is wrong: bad XML, no supported control, invalid controls', () => {
    const cases: [string, RegExp][] = [
      ['', /^is empty$/],
      ['<View><Choices name="a" toName="t"></View>', /^is not valid XML: Expected closing tag 'Choices' .*\(line 1, column \d+\)$/],
      ['<View>\n<Text name="t" value="$text">\n</View>', /^is not valid XML: .*\(line 3, column \d+\)$/],
      ['<View><Text name="t" value="$text"/><PolygonLabels name="p" toName="t"/></View>', /^has no control this app supports \(Choices, Labels, TextArea, RectangleLabels, Rating\)$/],
      ['<!DOCTYPE x [<!ENTITY a "aaaa">]><View><TextArea name="n"/></View>', /^has a <!DOCTYPE>/],
      ['<View><Choices name="c" toName="t"></Choices></View>', /^cannot be used: the single_choice control "c" \(labels\): needs at least one label$/],
      ['<View><Labels name="l" toName="t"><Label value="A"/><Label value="A"/></Labels></View>', /^cannot be used: the text_spans control "l" \(labels\): must not repeat a label$/],
      ['<View><Rating name="r" toName="t" maxRating="20"/></View>', /^cannot be used: the rating control "r" \(max\): Too big: expected number to be <=10$/],
      ['<View><Rating name="r" toName="t" maxRating="lots"/></View>', /^has <Rating name="r"> with maxRating="lots", not a whole number$/],
      ['<View><TextArea name="has space" toName="t"/></View>', /^cannot be used: the free_text control "has space" \(name\): must start with a letter/],
      ['<View><TextArea toName="t"/></View>', /^has a <TextArea> without a name$/],
      ['<View><TextArea name="a"/><Rating name="a"/></View>', /^cannot be used: the controls: field names must be unique$/],
      ['<View><Choices name="c" choice="some"><Choice value="x"/></Choices></View>', /^has <Choices name="c"> with choice="some"; expected single, single-radio or multiple$/],
    ];
    for (const [xml, message] of cases) expect(() => labelStudioConfigToSchema(xml), xml).toThrow(message);
  });
});

describe('schemaToLabelStudioConfig', () => {
  it('writes a config that reads back as the same schema', () => {
    const schema: LabelSchema = {
      fields: [
        { kind: 'single_choice', name: 'sentiment', labels: ['pos', 'neg'] },
        { kind: 'multiple_choice', name: 'topics', labels: ['a & b', '<c>', 'say "hi"'] },
        { kind: 'text_spans', name: 'ner', labels: ['PER'] },
        { kind: 'free_text', name: 'notes' },
        { kind: 'rating', name: 'stars', max: 7 },
        { kind: 'image_class', name: 'animal', labels: ['cat'] },
        { kind: 'image_boxes', name: 'boxes', labels: ['cat', 'dog'] },
      ],
    };
    const xml = schemaToLabelStudioConfig(schema);
    expect(xml).toContain('<Image name="image" value="$image"/>');
    expect(xml).toContain('<Text name="text" value="$text"/>');
    expect(xml).toContain('<Choice value="a &amp; b"/>');
    expect(labelStudioConfigToSchema(xml)).toEqual(schema);
  });

  it('points controls at the image in an image-only schema, and keeps object names apart from field names', () => {
    const schema: LabelSchema = {
      fields: [
        { kind: 'image_class', name: 'image', labels: ['cat', 'dog'] },
        { kind: 'multiple_choice', name: 'tags', labels: ['blurry', 'dark'] },
        { kind: 'rating', name: 'text', max: 3 },
      ],
    };
    const xml = schemaToLabelStudioConfig(schema);
    expect(xml).toContain('<Image name="image_1" value="$image"/>');
    expect(xml).not.toContain('<Text ');
    expect(xml).toContain('<Choices name="tags" toName="image_1" choice="multiple">');
    expect(xml).toContain('<Rating name="text" toName="image_1" maxRating="3"/>');
    expect(labelStudioConfigToSchema(xml)).toEqual(schema);
  });

  it('gives a single choice a Text to point at even beside images, so it does not read back as an image class', () => {
    const schema: LabelSchema = {
      fields: [
        { kind: 'image_boxes', name: 'boxes', labels: ['cat'] },
        { kind: 'single_choice', name: 'quality', labels: ['good', 'bad'] },
      ],
    };
    const xml = schemaToLabelStudioConfig(schema);
    expect(xml).toContain('<Choices name="quality" toName="text" choice="single">');
    expect(labelStudioConfigToSchema(xml)).toEqual(schema);
  });

  it('writes an instruction pair as a comment, which is not read back', () => {
    const xml = schemaToLabelStudioConfig({ fields: [{ kind: 'instruction_pair', name: 'a--b' }, { kind: 'free_text', name: 'notes' }] });
    expect(xml).toContain('<!-- instruction_pair field a__b: no Label Studio control holds a system/prompt/response triple -->');
    expect(labelStudioConfigToSchema(xml)).toEqual({ fields: [{ kind: 'free_text', name: 'notes' }] });
  });
});
