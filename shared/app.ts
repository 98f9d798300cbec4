export const APP_NAME = 'Datanet Studio';
/** The documented default port of `studio serve` (falls back to a free one when taken). */
export const DEFAULT_SERVE_PORT = 7457;
