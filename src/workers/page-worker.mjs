// Entry of a page worker thread (see page-pool.ts). Workers start without the parent's
// TypeScript loader, so this plain module registers tsx before loading the extractor and matcher.
import { register } from 'tsx/esm/api';

register();
const { runPageTask } = await import('./page-task.ts');

export default runPageTask;
