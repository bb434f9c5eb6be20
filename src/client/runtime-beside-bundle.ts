/**
 * Imported first by the standalone bundle (src/standalone.ts): points the clients at the runtime/
 * folder beside the bundle's own file, before any element module runs, unless the page chose a folder
 * already (useRuntimeAt).
 */
import { chooseRuntimeUnlessChosen } from './runtime-location';

chooseRuntimeUnlessChosen(new URL(['.', 'runtime', ''].join('/'), import.meta.url));
