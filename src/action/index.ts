// The action's entry point, bundled into action/dist/index.js (see scripts/bundle-action.mjs).
import { run } from './main.js';

await run();
