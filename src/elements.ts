// `memos-web/elements`: the custom elements, defined on import — <memos-app>, <memos-chat>,
// <memos-inspector>, and the views they are made of (<memos-cubes>, <memos-models>,
// <memos-scheduler>, <memos-settings>, <memos-demo>, <memos-adapters>). The package's only entry with
// side effects. The elements open their workers from the runtime folder (see useRuntimeAt in `memos-web`).
export { AppSession, DEFAULT_USER, describeError, type AppSessionOptions, type SessionChange } from './ui/app-session';
export { loadSettings, saveSettings, DEFAULT_SETTINGS, type AppSettings } from './ui/app-settings';
export { MemosApp } from './ui/memos-app';
export { MemosChat } from './ui/memos-chat';
export { MemosInspector } from './ui/memos-inspector';
export { MemosCubes } from './ui/memos-cubes';
export { MemosModels } from './ui/memos-models';
export { MemosModelServer } from './ui/memos-model-server';
export { MemosScheduler } from './ui/memos-scheduler';
export { MemosSettings } from './ui/memos-settings';
export { MemosDemo } from './ui/memos-demo';
export { MemosAdapters } from './ui/memos-adapters';
export { MemoryCard } from './ui/memory-card';
export { MemoryDetail } from './ui/memory-detail';
