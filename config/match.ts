/** Settings of the match stage; see config/index.ts for how sections are loaded. */
export const matchSettings = {};
