// `dist-lib/memos-web.js`: one file for a page without a bundler (a <script type="module">): the page
// entry and the elements with Lit inside, starting the workers from the runtime/ folder beside this
// file unless the page chose another folder (useRuntimeAt) before this module ran.
import './client/runtime-beside-bundle';

export * from './index';
export * from './elements';
