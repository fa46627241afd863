// Entry of a page worker thread (see page-pool.ts). In the built package the compiled task sits
// beside this file; in a source checkout, workers start without the parent's TypeScript loader, so
// this plain module registers tsx (a dev dependency) before loading the extractor and matcher.
import { existsSync } from 'node:fs';

const compiled = new URL('./page-task.js', import.meta.url);
let task;
if (existsSync(compiled)) {
  task = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  task = await import('./page-task.ts');
}

export default task.runPageTask;
