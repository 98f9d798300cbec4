import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from '../../renderer/route';

const PAGES = ['datanets', 'annotate', 'settings'] as const;
const parse = (hash: string) => parseRoute(hash, PAGES, 'datanets');

describe('hash routes', () => {
  it('reads the page and its parameters', () => {
    expect(parse('#/annotate/dn_1/it_2')).toEqual({ page: 'annotate', params: ['dn_1', 'it_2'] });
    expect(parse('#/settings')).toEqual({ page: 'settings', params: [] });
    expect(parse('#settings/')).toEqual({ page: 'settings', params: [] });
  });

  it('falls back to the default page, dropping parameters, for an unknown or empty hash', () => {
    expect(parse('')).toEqual({ page: 'datanets', params: [] });
    expect(parse('#/nope/x')).toEqual({ page: 'datanets', params: [] });
  });

  it('round-trips parameters with reserved characters', () => {
    const href = hrefOf('datanets', ['my reviews/2026', '100%']);
    expect(href).toBe('#/datanets/my%20reviews%2F2026/100%25');
    expect(parse(href)).toEqual({ page: 'datanets', params: ['my reviews/2026', '100%'] });
  });

  it('keeps a malformed escape as typed instead of failing', () => {
    expect(parse('#/datanets/%E0%A4%A')).toEqual({ page: 'datanets', params: ['%E0%A4%A'] });
  });
});
