/**
 * Light and dark: the colours every element reads (the --memos-* custom properties), set on the page's
 * root so they reach into every shadow root. "system" (the default) follows the device's setting and
 * its changes; "light" and "dark" are the user's choice, kept in this browser. Every pair of text and
 * background colours here keeps a contrast of at least 4.5:1 (checked in test/e2e/themes.test.ts).
 */

/** The choices the Settings view offers. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'memos-web:theme';

/** The palettes: light first, then dark, as custom property values. */
export const PALETTES = {
  light: {
    '--memos-fg': '#1d2130',
    '--memos-bg': '#ffffff',
    '--memos-muted': '#555b6a',
    '--memos-border': '#c9ced8',
    '--memos-accent': '#2f5bd3',
    '--memos-on-accent': '#ffffff',
    '--memos-accent-text': '#2450c4',
    '--memos-card-bg': '#ffffff',
    '--memos-button-bg': '#ffffff',
    '--memos-chip-bg': '#eef1f6',
    '--memos-banner-bg': '#fff6db',
    '--memos-banner-border': '#e8cf7a',
    '--memos-error-bg': '#fde8e8',
    '--memos-error-border': '#f2b8b8',
    '--memos-error-fg': '#7a1414',
    '--memos-ok': '#1f6b3a',
    '--memos-del-bg': '#fde2e2',
    '--memos-ins-bg': '#dcf5e3',
  },
  dark: {
    '--memos-fg': '#e7e9ef',
    '--memos-bg': '#14161c',
    '--memos-muted': '#a9afbd',
    '--memos-border': '#3d4352',
    '--memos-accent': '#86a6ff',
    '--memos-on-accent': '#0b1020',
    '--memos-accent-text': '#9db7ff',
    '--memos-card-bg': '#1c1f28',
    '--memos-button-bg': '#252a36',
    '--memos-chip-bg': '#2a3040',
    '--memos-banner-bg': '#312912',
    '--memos-banner-border': '#6e5a1c',
    '--memos-error-bg': '#3b1c1f',
    '--memos-error-border': '#7a3338',
    '--memos-error-fg': '#ffc9c9',
    '--memos-ok': '#86dca2',
    '--memos-del-bg': '#4d2328',
    '--memos-ins-bg': '#1e4a2c',
  },
} as const;

/** The theme chosen in this browser ("system" when none was). */
export function savedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

let media: MediaQueryList | undefined;

/** Applies a choice to the page (and keeps following the device for "system"); saves it. */
export function applyTheme(choice: ThemeChoice = savedTheme(), root: HTMLElement = document.documentElement): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Storage refused (private mode): the choice lasts for this page.
  }
  media ??= matchMedia('(prefers-color-scheme: dark)');
  const paint = (): void => {
    const dark = choice === 'dark' || (choice === 'system' && media!.matches);
    root.dataset['theme'] = dark ? 'dark' : 'light';
    root.style.colorScheme = dark ? 'dark' : 'light';
    for (const [name, value] of Object.entries(dark ? PALETTES.dark : PALETTES.light)) root.style.setProperty(name, value);
  };
  media.onchange = choice === 'system' ? paint : null;
  paint();
}
