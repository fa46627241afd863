/** Public API of the evidence module: immutable, content-addressed captures stored as WARC 1.1. */
export { createCaptureStore, conditionalFor, CaptureIntegrityError, type Capture, type CaptureStore } from './capture-store.ts';
export type { CaptureInput } from './types.ts';
export { ORPHAN_GRACE_MS, orphanGraceMs, sweepOrphanCaptures, type SweepReport } from './sweep-orphans.ts';
export { writeFileAtomic } from './capture-files.ts';
export { CaptureFileMissingError, createFolderFileStore, type CaptureFileStore, type CaptureFileStoreKind } from './capture-file-store.ts';
export { captureStoreKind, createCaptureFileStore, type CaptureStoreSetting } from './select-capture-store.ts';
