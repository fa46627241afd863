/** Settings of the extract stage; see config/index.ts for how sections are loaded. */
export const extractSettings = {};
