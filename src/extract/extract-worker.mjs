// Entry of an extraction worker thread (see extract-pool.ts). Workers start without the parent's
// TypeScript loader, so this plain module registers tsx before loading the extractor.
import { register } from 'tsx/esm/api';

register();
const { runExtractTask } = await import('./extract-task.ts');

export default runExtractTask;
