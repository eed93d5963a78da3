import type { DashboardBundle } from './bundle-types.js';

/** The dashboard bundle written by scripts/build-dashboard.mjs (the .js file is generated at build time). */
export declare const BUNDLE: DashboardBundle;
