// The app page's entry: defines <memos-app>, which index.html already contains.
import './memos-app';
