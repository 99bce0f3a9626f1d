/** How far value flow follows a value before it says so (`unknown: value followed too far`). */
export const MAX_DEPTH = 16;
export const TOO_FAR = 'value followed too far';
