// Types for scripts/bundle-action.mjs, which test/action-bundle.test.ts imports.
export declare const REPO_ROOT: string;
export declare const BUNDLE_PATH: string;
export declare function buildAction(): Promise<Buffer>;
