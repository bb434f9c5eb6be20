// The app page's entry: defines <memos-app> (index.html contains it) and registers the service
// worker that makes the app work offline (production builds; vite-plugin-pwa, decision 0017).
// First: the workers this app bundles (before <memos-app> connects and opens a client).
import '../client/bundled-runtime';
import './memos-app';
import { applyTheme } from './theme';

// Light or dark, as the device or as the user chose in Settings.
applyTheme();

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void import('virtual:pwa-register').then(({ registerSW }) => registerSW({ immediate: true }));
}
