/** Settings of the fetch stage; see config/index.ts for how sections are loaded. */
export const fetchSettings = {};
