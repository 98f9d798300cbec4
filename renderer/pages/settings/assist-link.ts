import { hashQuery, pageHref } from '../../route';

/**
 * Links to Settings → Assist from the views that need it (the dataset view's Meaning switch, the
 * annotate view's assist panel): `#/settings?section=assist&datanet=dn_…` lands on the Assist
 * section with that datanet chosen for its embeddings, not at the top of Settings with the first
 * datanet.
 */
export const ASSIST_SECTION = 'assist';

export function assistSettingsHref(datanetId: string): string {
  return `${pageHref('settings')}?${new URLSearchParams({ section: ASSIST_SECTION, datanet: datanetId }).toString()}`;
}

/** What the address asks of Settings → Assist: to be shown, and for which datanet. */
export function assistLinkTarget(hash: string): { show: boolean; datanet: string | null } {
  const query = hashQuery(hash);
  return { show: query.get('section') === ASSIST_SECTION, datanet: query.get('datanet') };
}
