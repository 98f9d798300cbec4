/**
 * An OS notification when a run ends (the Notification API: Electron shows it natively, a browser
 * as the site's). Permission is asked when the user starts a run, a moment that explains it.
 */

export function askToNotify(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  Notification.requestPermission().catch(() => {});
}

export function notify(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: `studio-${title}` });
    n.onclick = () => {
      focus();
      location.hash = '#/train';
    };
  } catch (error) {
    // Some platforms (Android Chrome) only allow notifications from a service worker.
    console.warn('Could not show a notification', error);
  }
}
