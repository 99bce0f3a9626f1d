/** How far value flow follows a value before it says so (`unknown: value followed too far`). */
export const MAX_DEPTH = 24;
export const TOO_FAR = 'value followed too far';
/** How many steps one question about a value may take before it says so (see `MAX_DEPTH`). */
export const STEP_BUDGET = 5000;
